package dev.cube.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cube.events.topics.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web UI in a real headless Chromium (Debian's chromium and chromium-driver) on a whole Cube: a
 * real broker, the manager serving the UI, workers on the real engine. What a user sees: a task
 * submitted from the form reaching Completed in the list without a reload, its timeline and output, the
 * list and the task as of past instants chosen with the slider, the projection check's verdict, a worker
 * drained and undrained from the page, a dead letter after a malformed record sent by a plain Kafka
 * producer; at 1280×800 and at 420×800. Each view's screenshot goes to target/ui-screenshots/.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UiIT {

    static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    static final String WORKER = "ui-" + RUN;
    static final String SPARE = "ui-spare-" + RUN;
    static final Path SHOTS = Path.of("target", "ui-screenshots");
    static final Duration WAIT = Duration.ofSeconds(60);

    static Cluster cluster;
    static ChromeDriver browser;
    static String taskId;

    /** On a failure: a screenshot of what the page showed, and what the browser's console said. */
    @RegisterExtension
    static final TestWatcher SHOW_FAILURES = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (browser != null) {
                screenshot("failed-" + context.getRequiredTestMethod().getName());
                browser.manage().logs().get(LogType.BROWSER).forEach(entry -> System.out.println("browser console: " + entry));
            }
        }
    };

    @BeforeAll
    static void start() throws IOException {
        cluster = Cluster.start(WORKER, Map.of("cube.worker.cpu", 2, "cube.worker.memory", 2048, "cube.worker.heartbeat-interval", "1s"));
        cluster.addWorker(SPARE, 1, 512);
        Files.createDirectories(SHOTS);
        try (var old = Files.list(SHOTS)) {
            for (Path shot : old.toList()) {
                Files.delete(shot);
            }
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,800",
                "--lang=en-US", "--user-data-dir=" + Files.createTempDirectory(Path.of("target").toAbsolutePath(), "chromium-"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).build();
        browser = new ChromeDriver(service, options);
        browser.manage().window().setSize(new Dimension(1280, 800));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void aTaskSubmittedFromTheFormReachesCompletedInTheListWithoutAReload() {
        browser.get(cluster.uri("/").toString());
        waitFor().until(ExpectedConditions.textToBe(By.id("stream-status"), "● live"));
        assertThat(browser.getCurrentUrl()).endsWith("/ui/index.html");
        js("window.notReloaded = true");

        type("submit-image", "cube/busybox:local");
        type("submit-memory", "-5");
        type("submit-ports", "0");
        browser.findElement(By.id("submit-button")).click();
        waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-error-for=memory]"), "at least 6 MB"));
        assertThat(browser.findElement(By.cssSelector("[data-error-for=ports]")).getText()).isNotBlank();
        assertThat(browser.findElement(By.id("submit-memory")).getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.findElement(By.id("submit-result")).getText()).contains("Invalid task spec");
        screenshot("tasks-form-errors");

        type("submit-name", "hello-ui");
        type("submit-memory", "64");
        type("submit-ports", "");
        type("submit-command", "[\"sh\", \"-c\", \"echo hello from the UI; sleep 4; echo bye from the UI\"]");
        type("submit-labels", "suite=ui");
        browser.findElement(By.id("submit-button")).click();
        WebElement link = waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#submit-result a")));
        taskId = link.getText();
        assertThat(browser.findElement(By.cssSelector("[data-error-for=memory]")).getText()).isEmpty();

        By row = By.cssSelector("tr[data-task-id='" + taskId + "']");
        waitFor().until(ExpectedConditions.attributeToBe(row, "data-state", "Running"));
        assertThat(textOf(row)).contains("hello-ui", "Running", WORKER, "suite=ui");
        waitFor().until(ExpectedConditions.attributeToBe(row, "data-state", "Completed"));
        assertThat(textOf(By.cssSelector("tr[data-task-id='" + taskId + "'] td.state"))).isEqualTo("Completed");
        assertThat(js("return window.notReloaded === true")).as("the page was not reloaded").isEqualTo(true);

        new Select(browser.findElement(By.id("filter-state"))).selectByVisibleText("Failed");
        waitFor().until(ExpectedConditions.invisibilityOfElementLocated(row));
        new Select(browser.findElement(By.id("filter-state"))).selectByVisibleText("Completed");
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(row));
        type("filter-label", "suite=other");
        waitFor().until(ExpectedConditions.invisibilityOfElementLocated(row));
        type("filter-label", "suite=ui");
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(row));
        screenshot("tasks");
        new Select(browser.findElement(By.id("filter-state"))).selectByVisibleText("any");
        type("filter-label", "");
    }

    @Test
    @Order(2)
    void theTaskShowsItsTimelineAndItsOutputAndCanBeStopped() {
        click(By.cssSelector("tr[data-task-id='" + taskId + "'] a"));
        waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.id("output-status"), "all its output"));
        assertThat(browser.findElement(By.id("output-text")).getText()).isEqualTo("hello from the UI\nbye from the UI");
        List<String> timeline = browser.findElements(By.cssSelector("#timeline tbody tr")).stream().map(WebElement::getText).toList();
        assertThat(timeline).hasSize(4);
        assertThat(timeline.get(0)).contains("submitted", "applied", "Pending");
        assertThat(timeline.get(1)).contains("scheduled", "applied", "Scheduled #1");
        assertThat(timeline.get(2)).contains("running", "applied", "Running #1");
        assertThat(timeline.get(3)).contains("completed", "applied", "Completed #1");
        assertThat(fact("Worker")).isEqualTo(WORKER);
        assertThat(fact("Exit code")).isEqualTo("0");
        assertThat(textOf(By.cssSelector(".task-state"))).contains("Completed");
        screenshot("task");

        // Output followed live: the first line is shown while the task runs, the last one comes without a reload.
        String slow = cluster.submit("{\"name\":\"slow-ui\",\"image\":\"cube/busybox:local\",\"memory\":64,\"ports\":[{\"containerPort\":8080}],"
                + "\"command\":[\"sh\",\"-c\",\"echo first line; sleep 5; echo last line\"]}");
        JsonNode running = cluster.awaitState(slow, "Running");
        browser.get(cluster.uri("/ui/index.html#/tasks/" + slow).toString());
        waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.id("output-text"), "first line"));
        String hostIp = running.at("/publishedPorts/0/hostIp").asText();
        String host = hostIp.isEmpty() || hostIp.equals("0.0.0.0") || hostIp.equals("::") ? cluster.worker(WORKER).get("address").asText() : hostIp;
        String published = "http://" + host + ":" + running.at("/publishedPorts/0/hostPort").asInt() + "/";
        String href = waitFor().until(driver -> driver.findElement(By.cssSelector("a.port-link")).getAttribute("href"));
        assertThat(href).isEqualTo(published);
        assertThat(textOf(By.cssSelector("dd[data-fact='Published ports']"))).isEqualTo(published + " → container port 8080");
        assertThat(browser.findElement(By.id("output-text")).getText()).doesNotContain("last line");
        assertThat(textOf(By.cssSelector(".task-state"))).contains("Running");
        js("window.notReloaded = true");
        waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.id("output-text"), "last line"));
        waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".task-state"), "Completed"));
        assertThat(js("return window.notReloaded === true")).isEqualTo(true);

        // A running task stopped from its page.
        String sleeper = cluster.submit("{\"name\":\"sleeper-ui\",\"image\":\"cube/busybox:local\",\"memory\":64,\"command\":[\"sleep\",\"300\"]}");
        cluster.awaitState(sleeper, "Running");
        browser.get(cluster.uri("/ui/index.html#/tasks/" + sleeper).toString());
        click(By.id("stop-task"));
        waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".task-state"), "Stopped"));
        assertThat(textOf(By.cssSelector("dd[data-fact='Desired']"))).isEqualTo("Stopped");
        assertThat(browser.findElements(By.id("stop-task"))).isEmpty();
    }

    @Test
    @Order(3)
    void theSliderShowsTheTasksAsTheyWereAndTheProjectionCheckSaysItEqualsTheLog() {
        JsonNode task = cluster.task(taskId);
        Instant started = Instant.parse(task.get("startedAt").asText());
        Instant finished = Instant.parse(task.get("finishedAt").asText());
        browser.get(cluster.uri("/ui/index.html#/tasks").toString());
        By row = By.cssSelector("tr[data-task-id='" + taskId + "']");
        waitFor().until(ExpectedConditions.attributeToBe(row, "data-state", "Completed"));

        WebElement slider = browser.findElement(By.id("slider"));
        new Actions(browser).clickAndHold(slider).moveByOffset(-slider.getSize().getWidth() / 2 + 1, 0).release().perform();
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("tasks-banner")));
        waitFor().until(ExpectedConditions.invisibilityOfElementLocated(row));
        assertThat(browser.findElement(By.id("tasks")).getText()).contains("No task existed then");
        assertThat(Instant.ofEpochMilli(Long.parseLong(slider.getAttribute("value")))).isBefore(Instant.parse(task.get("submittedAt").asText()));

        Instant wanted = started.plus(Duration.between(started, finished).dividedBy(2));
        Instant shown = dragTo(slider, wanted);
        assertThat(shown).as("the instant the slider was dragged to").isBetween(started, finished);
        waitFor().until(ExpectedConditions.attributeToBe(row, "data-state", "Running"));
        assertThat(browser.findElement(By.id("tasks-banner")).getText()).startsWith("As of ");
        assertThat(browser.findElement(By.id("asof-label")).getText()).startsWith("as of ");
        assertThat(browser.findElement(By.id("instant")).getAttribute("value")).isNotBlank();
        waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#events-around tr.step.now"), "running"));
        assertThat(textOf(By.cssSelector("#events-around tr.step.now"))).contains(taskId.substring(0, 8));
        screenshot("time-travel");

        waitFor().until(driver -> {
            driver.findElement(row).findElement(By.tagName("a")).click();
            return true;
        });
        waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".task-state"), "Running"));
        waitFor().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#timeline tr.step.now"), 1));
        assertThat(textOf(By.cssSelector("#timeline tr.step.now"))).contains("running");
        assertThat(browser.findElements(By.cssSelector("#timeline tr.step.future"))).hasSize(1);
        assertThat(textOf(By.cssSelector("#timeline tr.step.future"))).contains("completed");
        screenshot("time-travel-task");

        click(By.cssSelector("nav a[data-nav=workers]"));
        waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.id("workers-banner"), "as they are now"));
        WebElement held = waitFor().until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("[data-worker-id='" + WORKER + "'] .worker-tasks.then")));
        assertThat(held.getText()).contains("Held then (1)", taskId.substring(0, 8), "Running");

        browser.findElement(By.id("verify")).click();
        waitFor().until(ExpectedConditions.attributeContains(By.id("verdict"), "class", "equal"));
        assertThat(browser.findElement(By.id("verdict")).getText()).startsWith("✓ Equal");

        browser.findElement(By.id("live")).click();
        waitFor().until(ExpectedConditions.textToBe(By.id("asof-label"), "now (live)"));
        waitFor().until(ExpectedConditions.invisibilityOfElementLocated(By.id("workers-banner")));
    }

    @Test
    @Order(4)
    void aWorkerIsDrainedAndUndrainedFromThePage() {
        browser.get(cluster.uri("/ui/index.html#/workers").toString());
        By card = By.cssSelector("[data-worker-id='" + SPARE + "']");
        waitFor().until(ExpectedConditions.attributeToBe(card, "data-status", "ready"));
        String spare = "[data-worker-id='" + SPARE + "'] ";
        assertThat(textOf(By.cssSelector(spare + "[data-bar='CPU allocated']"))).contains("0 / 1 cores");
        assertThat(textOf(By.cssSelector(spare + "[data-bar='Memory allocated']"))).contains("0 / 512 MB");
        click(By.cssSelector(spare + "button.drain"));
        waitFor().until(ExpectedConditions.attributeToBe(card, "data-status", "draining"));
        assertThat(textOf(By.cssSelector(spare + ".badge"))).isEqualTo("draining");
        assertThat(cluster.worker(SPARE).get("status").asText()).isEqualTo("draining");
        screenshot("workers");
        click(By.cssSelector(spare + "button.undrain"));
        waitFor().until(ExpectedConditions.attributeToBe(card, "data-status", "ready"));
        assertThat(cluster.worker(SPARE).get("draining").asBoolean()).isFalse();
    }

    @Test
    @Order(5)
    void aMalformedRecordFromAPlainProducerIsShownAsADeadLetter() throws Exception {
        String key = "malformed-" + RUN;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                cluster.cube.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.TASK_EVENTS.name(), key, "this is { not json")).get();
        }
        browser.get(cluster.uri("/ui/index.html#/dead-letters").toString());
        String row = "tr[data-key='" + key + "'] ";
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(row)));
        assertThat(textOf(By.cssSelector(row + "td.reason"))).contains("not JSON");
        assertThat(textOf(By.cssSelector(row + "pre.bytes"))).isEqualTo("this is { not json");
        assertThat(textOf(By.cssSelector(row))).contains("cube.task-events");
        screenshot("dead-letters");
    }

    @Test
    @Order(6)
    void everyViewIsUsableOnANarrowWindow() {
        browser.manage().window().setSize(new Dimension(420, 800));
        browser.get(cluster.uri("/ui/index.html#/tasks").toString());
        waitFor().until(ExpectedConditions.textToBe(By.id("stream-status"), "● live"));
        assertThat(viewport()).as("window width").isLessThanOrEqualTo(420);
        type("token", "ui-test-token");
        browser.findElement(By.id("token")).sendKeys("\t");
        // Every call the page makes from now on is seen, with the Authorization header it carries.
        js("window.sentAuthorization = []; const send = window.fetch;"
                + "window.fetch = (url, init) => { window.sentAuthorization.push((init && init.headers && init.headers.Authorization) || 'none'); return send(url, init); };");
        assertThat(js("return document.getElementById('submit-panel').open")).as("the form is folded on a narrow window").isEqualTo(false);
        click(By.cssSelector("#submit-panel > summary"));
        type("submit-image", "cube/busybox:local");
        type("submit-name", "narrow-ui");
        type("submit-command", "echo narrow");
        browser.findElement(By.id("submit-button")).click();
        String narrow = waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#submit-result a"))).getText();
        waitFor().until(ExpectedConditions.attributeToBe(By.cssSelector("tr[data-task-id='" + narrow + "']"), "data-state", "Completed"));
        assertThat(js("return sessionStorage.getItem('cube.token')")).isEqualTo("ui-test-token");
        @SuppressWarnings("unchecked")
        List<Object> sent = (List<Object>) js("return window.sentAuthorization");
        assertThat(sent).as("the Authorization header of each call").isNotEmpty().allMatch(header -> header.equals("Bearer ui-test-token"));
        assertNoSidewaysScroll();
        screenshot("narrow-tasks");

        browser.get(cluster.uri("/ui/index.html#/tasks/" + taskId).toString());
        waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.id("output-text"), "bye from the UI"));
        assertThat(browser.findElement(By.id("token")).getAttribute("value")).as("the token kept in sessionStorage").isEqualTo("ui-test-token");
        assertNoSidewaysScroll();
        screenshot("narrow-task");

        browser.get(cluster.uri("/ui/index.html#/workers").toString());
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-worker-id='" + WORKER + "'] button.drain")));
        assertNoSidewaysScroll();
        screenshot("narrow-workers");

        browser.get(cluster.uri("/ui/index.html#/dead-letters").toString());
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-key='malformed-" + RUN + "']")));
        assertNoSidewaysScroll();
        screenshot("narrow-dead-letters");
        browser.manage().window().setSize(new Dimension(1280, 800));
    }

    /** Drags the slider's thumb to where {@code wanted} is on it, correcting once for where the thumb landed; answers the instant it shows. */
    private static Instant dragTo(WebElement slider, Instant wanted) {
        long min = Long.parseLong(slider.getAttribute("min"));
        long max = Long.parseLong(slider.getAttribute("max"));
        int width = slider.getSize().getWidth();
        double pixelsPerMilli = (width - 16.0) / (max - min);
        long current = Long.parseLong(slider.getAttribute("value"));
        for (int i = 0; i < 3; i++) {
            int move = (int) Math.round((wanted.toEpochMilli() - current) * pixelsPerMilli);
            int thumb = (int) Math.round(8 + (current - min) * pixelsPerMilli - width / 2.0);
            new Actions(browser).moveToElement(slider, thumb, 0).clickAndHold().moveByOffset(move, 0).release().perform();
            long landed = Long.parseLong(slider.getAttribute("value"));
            if (Math.abs(landed - wanted.toEpochMilli()) < 500) {
                return Instant.ofEpochMilli(landed);
            }
            current = landed;
        }
        return Instant.ofEpochMilli(current);
    }

    private static void assertNoSidewaysScroll() {
        Object overflow = js("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assertThat(((Number) overflow).intValue()).as("how far the page scrolls sideways").isLessThanOrEqualTo(0);
    }

    private static int viewport() {
        return ((Number) js("return window.innerWidth")).intValue();
    }

    private static String fact(String name) {
        return textOf(By.cssSelector("dd[data-fact='" + name + "']"));
    }

    private static void type(String id, String text) {
        WebElement field = browser.findElement(By.id(id));
        field.clear();
        if (!text.isEmpty()) {
            field.sendKeys(text);
        }
        js("arguments[0].dispatchEvent(new Event('input', {bubbles: true}))", field);
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    /** Waits for what the page shows; the views redraw as the log changes, so an element found a moment ago may have been replaced. */
    private static WebDriverWait waitFor() {
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    private static void click(By by) {
        waitFor().until(driver -> {
            driver.findElement(by).click();
            return true;
        });
    }

    /** The text of what {@code by} finds now. */
    private static String textOf(By by) {
        return waitFor().until(driver -> driver.findElement(by).getText());
    }

    private static void screenshot(String name) {
        try {
            js("window.scrollTo(0, 0)");
            Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

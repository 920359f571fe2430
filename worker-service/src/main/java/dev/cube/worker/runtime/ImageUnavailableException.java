package dev.cube.worker.runtime;

/** A task's image is not on the engine and could not be pulled. The message names the image. */
public class ImageUnavailableException extends ContainerRuntimeException {

    private final String image;

    public ImageUnavailableException(String image, String why) {
        super("image " + image + " is not available: " + why);
        this.image = image;
    }

    public String image() {
        return image;
    }
}

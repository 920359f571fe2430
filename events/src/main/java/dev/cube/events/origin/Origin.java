package dev.cube.events.origin;

/** Who wrote a record, as far as its origin proof ({@link OriginProof}) shows. */
public sealed interface Origin {

    /** Origin proofs are not checked (no cluster secret is configured): every record is taken as its type says. */
    record Unchecked() implements Origin {
    }

    /** The record carries a valid proof of the manager's. */
    record Manager() implements Origin {
    }

    /** The record carries a valid proof of worker {@code id}'s. */
    record Worker(String id) implements Origin {
    }

    /** The record proves no origin; {@code reason} says why (no proof, a proof that does not match, ...). */
    record Unproven(String reason) implements Origin {
    }

    Origin UNCHECKED = new Unchecked();
    Origin MANAGER = new Manager();
}

"""Pure domain: models, legal state transitions, lifecycle events. No I/O."""

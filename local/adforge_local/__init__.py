"""The embedded local stack: moto as AWS, the real template and state machine, vendor sandboxes."""

"""One router per resource. Routes stay thin: parse, authenticate, call a service, answer a model."""

"""The FastAPI application: thin routes over trackwell.service, authentication, the static web UI."""

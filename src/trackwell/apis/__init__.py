"""The public query API (Api, runs, history, files) over HTTP. Imports schema and the SDK's settings and transport."""

"""The wire contract: request and response models shared by the SDK, the server and (through
OpenAPI) the web UI.

Defined once here so that a field renamed on one side is renamed on every side. Pure data: this
package imports pydantic and the standard library, nothing else of trackwell's.
"""

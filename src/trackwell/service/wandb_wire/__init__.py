"""The W&B wire protocol over Trackwell's services (issue 15, docs/wandb-client.md).

The official ``wandb`` client (0.31) pointed at a Trackwell server with ``WANDB_BASE_URL`` speaks
GraphQL, a ``file_stream`` of JSON lines and presigned file uploads. Nothing here stores anything
of its own: every operation becomes what the Trackwell SDK would have sent (a run upsert, records,
files), applied by the same services, so a run logged by the official client looks exactly like one
logged with ``import trackwell as wandb``.

Modules: ``translate`` (pure: wandb's JSON lines, wrapped config, metric definitions -> records),
``ids`` (wandb's opaque global ids), ``runs`` (UpsertBucket, RunResumeStatus), ``file_stream``
(applying one file_stream request idempotently), ``uploads`` (self-authorizing upload URLs).
The GraphQL schema and its resolvers are in ``trackwell.server.wandb_protocol`` (thin, like routes).
"""

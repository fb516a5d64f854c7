"""The W&B protocol's HTTP side (issue 15): ``POST /graphql``, the ``file_stream`` endpoint and the
upload URLs, thin over :mod:`trackwell.service.wandb_wire` (docs/wandb-client.md)."""

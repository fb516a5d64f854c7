"""Framework integrations, module names as in wandb.integration (a later issue)."""

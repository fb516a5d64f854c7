"""Hugging Face ``Trainer`` integration: ``WandbCallback`` (alias ``TrackwellCallback``).

Importing this module imports transformers, and makes ``TrainingArguments(report_to="trackwell")``
(and ``report_to="all"``) add the callback::

    from trackwell.integration.transformers import WandbCallback
    trainer = Trainer(model=model, args=args, train_dataset=ds, callbacks=[WandbCallback()])

See docs/integrations.md for what is recorded.
"""

from __future__ import annotations

from trackwell.integration.transformers._callback import TrackwellCallback, WandbCallback, run_config
from trackwell.integration.transformers._logs import rewrite_logs
from trackwell.integration.transformers._report_to import register

register(WandbCallback)

__all__ = ["TrackwellCallback", "WandbCallback", "rewrite_logs", "run_config"]

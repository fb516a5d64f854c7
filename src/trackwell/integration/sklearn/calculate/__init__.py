"""The plots' tables, computed with scikit-learn (as wandb's are); each returns the chart to log, or
``None`` after printing why it cannot be drawn."""

"""Media and tables (Image, Audio, Video, Table, Histogram, Html, plots): turn a value into a file in the run directory plus a small JSON reference in wandb's shapes. Imports schema only."""

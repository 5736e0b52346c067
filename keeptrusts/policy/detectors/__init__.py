"""One module per detector. Each exposes `detect(text, …) -> DetectorResult`."""

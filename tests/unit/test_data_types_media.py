"""Audio, video, HTML, plotly and histograms: decoded back and compared with what was logged."""

from __future__ import annotations

import importlib.util
import io
import json
import wave
from pathlib import Path

import numpy as np
import pytest
import soundfile
from PIL import Image as PILImage
from PIL import ImageSequence

from trackwell.data_types.audio import Audio, write_wav
from trackwell.data_types.histogram import Histogram
from trackwell.data_types.html import Html
from trackwell.data_types.plotly import Plotly
from trackwell.data_types.video import Video

# --- audio ------------------------------------------------------------------------------------


def test_float32_audio_is_stored_bit_exact_with_its_sample_rate(tmp_path: Path) -> None:
    samples = np.random.default_rng(1).uniform(-0.1, 0.1, size=16000).astype(np.float32)
    ref = Audio(samples, sample_rate=16000, caption="epoch 0").bind(tmp_path, "audio/sample", 10)

    assert ref.json["_type"] == "audio-file" and ref.json["caption"] == "epoch 0"
    assert ref.json["path"].startswith("media/audio/audio/sample_10_") and ref.json["path"].endswith(".wav")
    assert ref.json["sample_rate"] == 16000 and ref.json["duration"] == 1.0
    back, rate = soundfile.read(tmp_path / ref.json["path"], dtype="float32")
    assert rate == 16000
    np.testing.assert_array_equal(back, samples)


@pytest.mark.parametrize("use_soundfile", [True, False])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int16", "int32"])
def test_wav_subtype_follows_dtype_without_loss(dtype: str, use_soundfile: bool) -> None:
    rng = np.random.default_rng(2)
    if dtype.startswith("float"):
        samples = rng.uniform(-1, 1, size=(100, 2)).astype(dtype)
    else:
        info = np.iinfo(dtype)
        samples = rng.integers(info.min, info.max, size=(100, 2), dtype=dtype)
    data = write_wav(samples, 8000, use_soundfile=use_soundfile)
    back, rate = soundfile.read(io.BytesIO(data), dtype=dtype)
    assert rate == 8000
    np.testing.assert_array_equal(back, samples)


def test_pcm16_written_without_soundfile_is_readable_by_the_stdlib() -> None:
    samples = np.array([0, 1000, -1000, 32767], dtype=np.int16)
    data = write_wav(samples, 22050, use_soundfile=False)
    with wave.open(io.BytesIO(data)) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (22050, 1, 2)
        assert np.frombuffer(w.readframes(4), dtype="<i2").tolist() == samples.tolist()


def test_channels_first_audio_is_transposed(tmp_path: Path) -> None:
    stereo = np.zeros((2, 400), dtype=np.float32)
    stereo[1] = 0.5
    audio = Audio(stereo, sample_rate=100)
    assert audio.channels == 2 and audio.duration == 4.0
    back, _ = soundfile.read(tmp_path / audio.bind(tmp_path, "a", 0).json["path"], dtype="float32")
    assert back.shape == (400, 2) and back[0].tolist() == [0.0, 0.5]


def test_audio_needs_a_sample_rate_and_copies_files(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="sample_rate= is required"):
        Audio(np.zeros(10, dtype=np.float32))
    source = tmp_path / "clip.wav"
    soundfile.write(source, np.zeros(800, dtype=np.float32), 8000, subtype="FLOAT")
    ref = Audio(source, caption="c").bind(tmp_path / "run", "clip", 0)
    assert (tmp_path / "run" / ref.json["path"]).read_bytes() == source.read_bytes()
    assert ref.json["sample_rate"] == 8000 and ref.json["duration"] == 0.1


# --- video ------------------------------------------------------------------------------------


def _frames_tchw() -> np.ndarray:
    frames = np.zeros((3, 3, 8, 10), dtype=np.uint8)
    for t in range(3):
        frames[t, t] = 255  # frame t is pure red, green, blue
    return frames


def _gif_frames(path: Path) -> list[np.ndarray]:
    with PILImage.open(path) as im:
        return [np.asarray(f.convert("RGB")) for f in ImageSequence.Iterator(im)]


def test_gif_from_tchw_frames(tmp_path: Path) -> None:
    ref = Video(_frames_tchw(), fps=5, caption="rollout").bind(tmp_path, "videos/rollout", 2)
    assert ref.json["_type"] == "video-file"
    assert (ref.json["width"], ref.json["height"]) == (10, 8)
    assert ref.json["path"].startswith("media/videos/videos/rollout_2_") and ref.json["path"].endswith(".gif")
    frames = _gif_frames(tmp_path / ref.json["path"])
    assert len(frames) == 3
    assert [f[0, 0].tolist() for f in frames] == [[255, 0, 0], [0, 255, 0], [0, 0, 255]]
    with PILImage.open(tmp_path / ref.json["path"]) as im:
        assert im.info["duration"] == 200


def test_thwc_frames_and_batches_tile_into_a_grid(tmp_path: Path) -> None:
    thwc = _frames_tchw().transpose(0, 2, 3, 1)
    ref = Video(thwc).bind(tmp_path, "v", 0)
    assert (ref.json["width"], ref.json["height"]) == (10, 8)

    batch = np.stack([_frames_tchw()] * 3)  # (B=3, T, C, H, W) -> 2x2 grid
    video = Video(batch)
    assert (video.width, video.height) == (20, 16)
    frames = _gif_frames(tmp_path / video.bind(tmp_path, "b", 0).json["path"])
    assert frames[0].shape == (16, 20, 3)
    assert frames[0][12, 15].tolist() == [0, 0, 0]  # the empty fourth cell is black


def test_gif_file_is_copied_with_its_size(tmp_path: Path) -> None:
    first = Video(_frames_tchw()).bind(tmp_path, "made", 0)
    copied = Video(tmp_path / first.json["path"], caption="again").bind(tmp_path / "run", "copied", 1)
    assert (copied.json["width"], copied.json["height"]) == (10, 8) and copied.json["caption"] == "again"
    assert (tmp_path / "run" / copied.json["path"]).read_bytes() == (
        tmp_path / first.json["path"]
    ).read_bytes()


def test_video_errors_are_clear() -> None:
    with pytest.raises(ValueError, match=r"\(T, C, H, W\).*got shape \(8, 10\)"):
        Video(np.zeros((8, 10), dtype=np.uint8))
    with pytest.raises(ValueError, match="format='avi'"):
        Video(_frames_tchw(), format="avi")


def test_mp4_without_an_encoder_names_the_fix(tmp_path: Path) -> None:
    if not (importlib.util.find_spec("imageio_ffmpeg") or importlib.util.find_spec("av")):
        with pytest.raises(RuntimeError, match=r"imageio\[ffmpeg\].*format='gif'"):
            Video(_frames_tchw(), format="mp4").bind(tmp_path, "v", 0)
    else:
        ref = Video(_frames_tchw(), format="mp4").bind(tmp_path, "v", 0)
        assert ref.json["path"].endswith(".mp4")


# --- html, plotly, histogram ------------------------------------------------------------------


def test_html_injects_base_target_and_keeps_the_body(tmp_path: Path) -> None:
    ref = Html("<h1>hi</h1>").bind(tmp_path, "report", 1)
    assert ref.json["_type"] == "html-file" and ref.json["path"].startswith("media/html/report_1_")
    text = (tmp_path / ref.json["path"]).read_text()
    assert text.startswith('<head><base target="_blank">') and text.endswith("<h1>hi</h1>")
    assert "wandb.ai" not in text  # self-hosted: no fetches from the internet
    raw = Html("<html><body>x</body></html>", inject=False).bind(tmp_path, "raw", 1)
    assert (tmp_path / raw.json["path"]).read_text() == "<html><body>x</body></html>"


def test_plotly_figure_is_stored_as_json(tmp_path: Path) -> None:
    class Figure:  # duck-typed like plotly.graph_objects.Figure
        def to_plotly_json(self) -> dict[str, object]:
            return {"data": [{"type": "scatter", "y": np.array([1, 2, 3])}], "layout": {}}

    ref = Plotly(Figure()).bind(tmp_path, "fig", 0)
    assert ref.json["_type"] == "plotly-file" and ref.json["path"].endswith(".plotly.json")
    assert json.loads((tmp_path / ref.json["path"]).read_text())["data"][0]["y"] == [1, 2, 3]


def test_histogram_counts_and_edges() -> None:
    hist = Histogram([1, 2, 2, 3, 3, 3, float("nan")], num_bins=3)
    ref = hist.bind(Path("/nonexistent"), "h", 0)
    assert ref.files == []
    assert ref.json["_type"] == "histogram" and ref.json["values"] == [1, 2, 3]
    assert ref.json["bins"] == pytest.approx([1.0, 5 / 3, 7 / 3, 3.0])

    counts, edges = np.histogram(np.arange(10), bins=4)
    assert Histogram(np_histogram=(counts, edges)).to_json()["values"] == counts.tolist()
    with pytest.raises(ValueError, match="1..512"):
        Histogram(np.arange(10), num_bins=513)
    with pytest.raises(ValueError, match="one more edge than counts"):
        Histogram(np_histogram=([1, 2], [0, 1]))

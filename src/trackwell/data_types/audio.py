"""``trackwell.Audio``: waveforms written as WAV without lossy conversion, or audio files copied.

Arrays are ``(frames,)`` (mono) or ``(frames, channels)``; a ``(channels, frames)`` array with fewer
channels than frames is transposed, as most audio libraries (torchaudio, librosa) produce that
layout. The WAV sample format follows the data so nothing is rounded away: float32 -> 32-bit float
WAV, float64 -> 64-bit float WAV, int16 -> PCM16, int32 -> PCM32, uint8 -> PCM8, int8 -> PCM16
(values times 256, exact). ``soundfile`` writes the file when installed; otherwise a small RIFF
writer here does (the standard ``wave`` module cannot write float WAV).

JSON: wandb's ``audio-file`` plus two additions the UI uses, ``sample_rate`` and ``duration``
(seconds); wandb only carries those in its list form (``sampleRates``, ``durations``).
"""

from __future__ import annotations

import io
import struct
from pathlib import Path
from typing import Any

from trackwell.data_types._arrays import is_numpy, is_torch_tensor, to_numpy_copy
from trackwell.data_types.base import Media, check_size, optional_caption, read_file_bytes

# numpy dtype -> (soundfile subtype, WAV format tag, bits per sample)
_WAV_FORMATS = {
    "float32": ("FLOAT", 3, 32),
    "float64": ("DOUBLE", 3, 64),
    "int16": ("PCM_16", 1, 16),
    "int32": ("PCM_32", 1, 32),
    "uint8": ("PCM_U8", 1, 8),
}


def _wav_ready(array: Any) -> Any:
    """The array in a dtype WAV stores exactly, or an error naming the dtype and the fix."""
    import numpy as np

    if array.dtype == np.int8:
        return array.astype(np.int16) * 256
    if array.dtype == np.float16:
        return array.astype(np.float32)
    if array.dtype in (np.int64, np.uint16, np.uint32, np.int64):
        info = np.iinfo(np.int32)
        if array.size and (array.min() < info.min or array.max() > info.max):
            raise ValueError(f"Audio: {array.dtype} samples exceed the 32-bit PCM range; scale them first")
        return array.astype(np.int32)
    if array.dtype.name not in _WAV_FORMATS:
        raise TypeError(f"Audio: samples must be float or integer, got dtype {array.dtype}")
    return array


def write_wav(array: Any, sample_rate: int, *, use_soundfile: bool = True) -> bytes:
    """Encode ``(frames, channels)`` samples as WAV bytes with the subtype matching the dtype."""
    subtype, tag, bits = _WAV_FORMATS[array.dtype.name]
    if use_soundfile:
        try:
            import soundfile
        except ImportError:  # optional dependency: fall back to the RIFF writer below
            pass
        else:
            buf = io.BytesIO()
            soundfile.write(buf, array, sample_rate, subtype=subtype, format="WAV")
            return bytes(buf.getvalue())
    channels = 1 if array.ndim == 1 else int(array.shape[1])
    data: bytes = array.astype(array.dtype.newbyteorder("<")).tobytes()
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", tag, channels, sample_rate, sample_rate * block, block, bits)
    if tag == 3:
        fmt += struct.pack("<H", 0)  # non-PCM formats carry a (here empty) extension size
    chunks = b"fmt " + struct.pack("<I", len(fmt)) + fmt
    if tag == 3:  # float WAV needs a 'fact' chunk with the frame count
        chunks += b"fact" + struct.pack("<II", 4, len(array))
    chunks += b"data" + struct.pack("<I", len(data)) + data
    if len(data) % 2:
        chunks += b"\0"
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WAVE" + chunks


class Audio(Media):
    """A sound clip logged to a run; JSON ``_type: "audio-file"``, files under ``media/audio/``."""

    _type = "audio-file"
    SUBDIR = "audio"

    def __init__(self, data_or_path: Any, sample_rate: int | None = None, caption: str | None = None) -> None:
        self.caption = optional_caption("Audio", caption)
        self._array: Any = None
        self._file: bytes | None = None
        self._ext = ".wav"
        self.sample_rate = sample_rate
        self.duration: float | None = None
        if isinstance(data_or_path, str | Path):
            self._file = read_file_bytes("Audio", data_or_path)
            self._ext = Path(data_or_path).suffix.lower() or ".wav"
            self._probe_file()
            return
        if not (is_numpy(data_or_path) or is_torch_tensor(data_or_path) or isinstance(data_or_path, list)):
            raise TypeError(
                f"Audio: cannot make audio from {type(data_or_path).__name__}; pass a numpy array of "
                "samples with sample_rate=, or a file path"
            )
        if sample_rate is None:
            raise ValueError(
                "Audio: sample_rate= is required with raw samples, e.g. Audio(x, sample_rate=16000)"
            )
        if not isinstance(sample_rate, int) or isinstance(sample_rate, bool) or sample_rate <= 0:
            raise ValueError(f"Audio: sample_rate must be a positive integer (Hz), got {sample_rate!r}")
        nbytes = getattr(data_or_path, "nbytes", None)
        if isinstance(nbytes, int):
            check_size("Audio", nbytes)
        array = to_numpy_copy(data_or_path)
        if array.ndim == 2 and array.shape[0] < array.shape[1]:
            array = array.T  # (channels, frames) -> (frames, channels)
        if array.ndim not in (1, 2) or array.shape[0] == 0:
            raise ValueError(
                f"Audio: expected (frames,) or (frames, channels) samples, got shape {array.shape}"
            )
        self._array = _wav_ready(array)
        self.duration = array.shape[0] / sample_rate

    def _probe_file(self) -> None:
        """Read the sample rate and duration of a file when soundfile understands it (best effort)."""
        try:
            import soundfile

            info = soundfile.info(io.BytesIO(self._file or b""))
        except Exception:  # unknown format or soundfile missing: the file is still logged as is
            return
        self.sample_rate = self.sample_rate or int(info.samplerate)
        self.duration = float(info.duration)

    @property
    def channels(self) -> int | None:
        if self._array is None:
            return None
        return 1 if self._array.ndim == 1 else int(self._array.shape[1])

    def _encode(self) -> tuple[bytes, str]:
        if self._file is not None:
            return self._file, self._ext
        assert self.sample_rate is not None  # checked in __init__ for arrays
        return write_wav(self._array, self.sample_rate), ".wav"

    def _json_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        if self.sample_rate is not None:
            fields["sample_rate"] = self.sample_rate
        if self.duration is not None:
            fields["duration"] = self.duration
        return fields

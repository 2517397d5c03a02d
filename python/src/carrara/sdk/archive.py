"""The ZIP format in which a model folder travels (`packaging: "zip"`), with the rules of the Java
`io.carrara.spi.archive.ModelArchive`.

Packing is deterministic: regular files only, entries sorted by their relative path (`/`-separated),
one fixed timestamp, DEFLATED, no directory entries and no permissions, so the same files give the
same bytes and the same SHA-256 (uploading an unchanged model again stores nothing new). Extraction
is defensive: it refuses absolute paths, drive letters, `..` or empty segments, backslashes, NUL
characters, duplicate entries, a path that is both a file and a folder, symbolic links, more than
`max_entries` entries, and archives expanding past `max_expanded_bytes` or more than
`max_compression_ratio` times their compressed size (a ZIP bomb), checked as the bytes are written.
"""
from __future__ import annotations

import os
import re
import shutil
import stat
import struct
import uuid
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Dict, List, Optional, Set, Tuple, Union

from carrara.sdk._core import CHUNK_BYTES, ConflictError, InvalidInputError

# Not 1980-01-01, the DOS minimum: the Java packer avoids it because the JDK then writes an extra,
# time-zone dependent timestamp; 1980-02-01 is what both sides stamp.
ENTRY_TIME = (1980, 2, 1, 0, 0, 0)
# Below this many expanded bytes the ratio is not checked: a small file of repeated text compresses
# beyond any ratio real models reach in bulk.
RATIO_GRACE_BYTES = 1 << 20

_LOCAL_SIGNATURE = 0x04034B50
_DESCRIPTOR_SIGNATURE = 0x08074B50
_CENTRAL_SIGNATURE = 0x02014B50
_END_SIGNATURE = 0x06054B50
_ZIP64_END_SIGNATURE = 0x06064B50
_ZIP64_LOCATOR_SIGNATURE = 0x07064B50
_VERSION = 20
_ZIP64_VERSION = 45
_FLAGS = 0x0808  # bit 3: sizes in a data descriptor after the data; bit 11: names are UTF-8
_DEFLATED = 8
_DOS_TIME = ((ENTRY_TIME[0] - 1980) << 25 | ENTRY_TIME[1] << 21 | ENTRY_TIME[2] << 16
             | ENTRY_TIME[3] << 11 | ENTRY_TIME[4] << 5 | ENTRY_TIME[5] // 2)
_ZIP64_MAGIC = 0xFFFFFFFF
_ZIP64_MAGIC_COUNT = 0xFFFF
_DRIVE_LETTER = re.compile(r"^[A-Za-z]:")
_FIELD = "artifact"
_REPACK = ("pack the model folder again with carrara's archive.pack (the SDK and the CLI do) or with a zip tool "
           "run from inside the folder, so every entry is a plain relative path")


@dataclass(frozen=True)
class Limits:
    """How much an archive may hold, checked while it is extracted: the most entries (folders
    included), the most bytes all entries may expand to, and how many times its compressed size
    the archive may expand once past `RATIO_GRACE_BYTES`. The defaults are the server's."""

    max_entries: int = 100_000
    max_expanded_bytes: int = 32 << 30
    max_compression_ratio: int = 100


DEFAULT_LIMITS = Limits()


def problem_with(name: str) -> Optional[str]:
    """Why `name` cannot be an entry of a model archive, or None when it can."""
    if not name:
        return "has an empty name"
    if "\0" in name:
        return "has a NUL character in its name"
    if "\\" in name:
        return "has a backslash, which Windows reads as a directory separator"
    if name.startswith("/"):
        return "is an absolute path"
    if _DRIVE_LETTER.match(name):
        return "starts with a drive letter"
    path = name[:-1] if name.endswith("/") else name
    for segment in path.split("/"):
        if segment == "..":
            return "has a '..' segment, which would write outside the model directory"
        if segment in ("", "."):
            return "has an empty or '.' segment, so it names the same file as a shorter path"
    return None


def pack(directory: Union[str, Path], out: Union[str, Path, IO[bytes]]) -> None:
    """Writes every regular file under `directory` to `out` (a path or a binary stream, which is not
    closed) as a deterministic ZIP. Refuses symbolic links, special files and names that could not
    be extracted, naming them (InvalidInputError, field `directory`)."""
    folder = Path(directory)
    if not folder.is_dir():
        raise InvalidInputError(f"{folder} is not a directory; pass the model's folder, or upload a single file "
                                "(packaging 'file')", code="INVALID_ARGUMENT", field="directory")
    # The folder itself may be reached through a link (/tmp on macOS); only links inside it are refused.
    root = folder.resolve()
    files = _regular_files(root)
    if isinstance(out, (str, Path)):
        with open(out, "wb") as target:
            _write_zip(files, target)
    else:
        _write_zip(files, out)


def _write_zip(files: Dict[str, Path], out: IO[bytes]) -> None:
    # Written by hand, byte for byte as java.util.zip.ZipOutputStream writes it for the Java packer
    # (UTF-8 names, a data descriptor after each entry, ZIP64 fields only where a size or offset needs
    # them), and DEFLATED by the same zlib at the same level: a folder packed by the SDK or by the CLI
    # is the same blob, so uploading an unchanged model again from either stores nothing new.
    written = 0
    central: List[Tuple[bytes, int, int, int, int]] = []

    def write(data: bytes) -> None:
        nonlocal written
        out.write(data)
        written += len(data)

    # Java's TreeMap orders names by UTF-16 code units, which UTF-16BE bytes compare as.
    for name in sorted(files, key=lambda entry: entry.encode("utf-16-be", "surrogatepass")):
        encoded = name.encode("utf-8")
        offset = written
        # Sizes and CRC are zero here: they follow the data, in the descriptor.
        write(struct.pack("<IHHHIIIIHH", _LOCAL_SIGNATURE, _VERSION, _FLAGS, _DEFLATED, _DOS_TIME, 0, 0, 0,
                          len(encoded), 0) + encoded)
        compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -zlib.MAX_WBITS)
        crc = size = compressed = 0
        descriptor = os.open(files[name], os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(descriptor, "rb") as source:
            for chunk in iter(lambda: source.read(CHUNK_BYTES), b""):
                crc = zlib.crc32(chunk, crc)
                size += len(chunk)
                deflated = compressor.compress(chunk)
                compressed += len(deflated)
                write(deflated)
        deflated = compressor.flush()
        compressed += len(deflated)
        write(deflated)
        if compressed >= _ZIP64_MAGIC or size >= _ZIP64_MAGIC:
            write(struct.pack("<IIQQ", _DESCRIPTOR_SIGNATURE, crc, compressed, size))
        else:
            write(struct.pack("<IIII", _DESCRIPTOR_SIGNATURE, crc, compressed, size))
        central.append((encoded, crc, compressed, size, offset))

    central_offset = written
    for encoded, crc, compressed, size, offset in central:
        zip64 = b""
        if size >= _ZIP64_MAGIC:
            zip64 += struct.pack("<Q", size)
        if compressed >= _ZIP64_MAGIC:
            zip64 += struct.pack("<Q", compressed)
        if offset >= _ZIP64_MAGIC:
            zip64 += struct.pack("<Q", offset)
        version = _ZIP64_VERSION if zip64 else _VERSION
        extra = struct.pack("<HH", 1, len(zip64)) + zip64 if zip64 else b""
        write(struct.pack("<IHHHHIIIIHHHHHII", _CENTRAL_SIGNATURE, version, version, _FLAGS, _DEFLATED, _DOS_TIME, crc,
                          min(compressed, _ZIP64_MAGIC), min(size, _ZIP64_MAGIC), len(encoded), len(extra), 0, 0, 0, 0,
                          min(offset, _ZIP64_MAGIC)) + encoded + extra)
    central_length = written - central_offset
    count = len(central)
    if central_length >= _ZIP64_MAGIC or central_offset >= _ZIP64_MAGIC or count >= _ZIP64_MAGIC_COUNT:
        end64 = written
        write(struct.pack("<IQHHIIQQQQ", _ZIP64_END_SIGNATURE, 44, _ZIP64_VERSION, _ZIP64_VERSION, 0, 0, count, count,
                          central_length, central_offset))
        write(struct.pack("<IIQI", _ZIP64_LOCATOR_SIGNATURE, 0, end64, 1))
    write(struct.pack("<IHHHHIIH", _END_SIGNATURE, 0, 0, min(count, _ZIP64_MAGIC_COUNT), min(count, _ZIP64_MAGIC_COUNT),
                      min(central_length, _ZIP64_MAGIC), min(central_offset, _ZIP64_MAGIC), 0))


def _regular_files(root: Path) -> Dict[str, Path]:
    files: Dict[str, Path] = {}
    for current, directories, names in os.walk(root, followlinks=False, onerror=_raise):
        base = Path(current)
        for name in list(directories) + list(names):
            path = base / name
            entry = path.relative_to(root).as_posix()
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                raise _refused(root, entry, "is a symbolic link; archives hold regular files only, so a model "
                                            "can't reach outside its folder: replace the link with a copy of its target")
            if stat.S_ISDIR(mode):
                continue
            if not stat.S_ISREG(mode):
                raise _refused(root, entry, "is not a regular file (a device, pipe or socket); remove it from the "
                                            "model folder")
            problem = problem_with(entry)
            if problem is not None:
                raise _refused(root, entry, f"{problem}; rename it")
            files[entry] = path
    return files


def _raise(error: OSError) -> None:
    raise error


def _refused(root: Path, name: str, problem: str) -> InvalidInputError:
    return InvalidInputError(f"cannot archive '{name}' in {root}: it {problem}", code="INVALID_ARGUMENT",
                             field="directory")


def _unsafe(message: str) -> InvalidInputError:
    return InvalidInputError(message, code="UNSAFE_ARCHIVE", field=_FIELD)


def extract(archive: Union[str, Path], target_directory: Union[str, Path], limits: Limits = DEFAULT_LIMITS) -> Path:
    """Extracts the ZIP file `archive` into `target_directory`, which must not exist yet (its parent
    is created). Entries are written to a hidden sibling folder renamed to the target only once all
    are in place, so a failure leaves nothing and a reader never sees half a model. Raises
    InvalidInputError `UNSAFE_ARCHIVE` (field `artifact`) naming the first bad entry or the limit
    passed, ConflictError `ALREADY_EXISTS` when the target exists. Returns the target."""
    target = Path(os.path.abspath(target_directory))
    if target.parent == target:
        raise InvalidInputError("cannot extract into the file system root; choose a new directory below it",
                                code="INVALID_ARGUMENT", field="targetDirectory")
    if os.path.lexists(target):
        raise _target_exists(target)
    if not zipfile.is_zipfile(archive):
        raise _unsafe("the artifact is not a ZIP archive; upload a model folder packed with archive.pack, or a single "
                      "file with packaging 'file'")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.extracting-{uuid.uuid4()}"
    staging.mkdir()
    try:
        with zipfile.ZipFile(archive) as zipped:
            _extract_checked(zipped, staging, limits)
        try:
            os.rename(staging, target)
        except OSError:
            if os.path.lexists(target):
                raise _target_exists(target) from None
            raise
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _extract_checked(zipped: zipfile.ZipFile, staging: Path, limits: Limits) -> None:
    entries = zipped.infolist()
    if len(entries) > limits.max_entries:
        raise _unsafe(f"the archive has more than {limits.max_entries} entries; a model directory this large should "
                      "be split or packed into fewer files")
    names: Set[str] = set()
    files: Set[str] = set()
    directories: Set[str] = set()
    expanded = 0
    compressed = 0
    root = os.path.abspath(staging)
    for entry in entries:
        name = entry.filename
        problem = problem_with(name)
        if problem is not None:
            raise _unsafe(f"archive entry '{name}' {problem}; {_REPACK}")
        if name in names:
            raise _unsafe(f"archive entry '{name}' appears twice; {_REPACK}")
        names.add(name)
        is_directory = name.endswith("/")
        if entry.create_system == 3 and stat.S_ISLNK(entry.external_attr >> 16):
            raise _unsafe(f"archive entry '{name}' is a symbolic link; model archives hold regular files only; "
                          f"{_REPACK}")
        _check_placement(name, is_directory, files, directories)
        destination = os.path.abspath(os.path.join(root, name))
        # The name checks rule out every way out of the folder; this is the last line of defence.
        if not destination.startswith(root + os.sep):
            raise _unsafe(f"archive entry '{name}' would be written outside the target directory; {_REPACK}")
        compressed += entry.compress_size
        if is_directory:
            os.makedirs(destination, exist_ok=True)
            continue
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        try:
            with zipped.open(entry) as source, open(destination, "xb") as out:
                while True:
                    chunk = source.read(CHUNK_BYTES)
                    if not chunk:
                        break
                    expanded += len(chunk)
                    if expanded > limits.max_expanded_bytes:
                        raise _unsafe(f"the archive expands to more than {limits.max_expanded_bytes} bytes (passed in "
                                      f"entry '{name}'); check that it is the model you meant")
                    if expanded > RATIO_GRACE_BYTES and expanded > limits.max_compression_ratio * max(compressed, 1):
                        raise _unsafe(f"the archive expands more than {limits.max_compression_ratio} times its "
                                      f"compressed size ({expanded} bytes from {compressed} by entry '{name}'), as a "
                                      "ZIP bomb does; check that it is the model you meant")
                    out.write(chunk)
        except FileExistsError:
            raise _unsafe(f"archive entry '{name}' collides with another entry on this file system (names that differ "
                          f"only in case?); rename one of them and {_REPACK}") from None
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as error:
            raise _unsafe(f"the archive is truncated or damaged at entry '{name}' ({error}); download it again, or "
                          f"{_REPACK}") from None


def _check_placement(name: str, is_directory: bool, files: Set[str], directories: Set[str]) -> None:
    path = name[:-1] if is_directory else name
    if (path in files) if is_directory else (path in directories):
        raise _conflict(name, path)
    (directories if is_directory else files).add(path)
    parts: List[str] = path.split("/")
    for end in range(1, len(parts)):
        parent = "/".join(parts[:end])
        if parent in files:
            raise _conflict(name, parent)
        directories.add(parent)


def _conflict(name: str, path: str) -> InvalidInputError:
    return _unsafe(f"archive entry '{name}' needs '{path}' to be both a file and a directory; remove one of them and "
                   f"{_REPACK}")


def _target_exists(target: Path) -> ConflictError:
    return ConflictError(f"cannot extract into {target}: it already exists; extract into a new directory or delete this "
                         "one first", code="ALREADY_EXISTS", field="targetDirectory")

//! Reading the files the user names: flow files, Action files and a tenant
//! export's files. Only regular files are read, only up to a size cap, and
//! never in a way that blocks, so a FIFO, a device such as `/dev/zero`, a
//! folder or a huge file is bad input naming the file, not a hang or an
//! out-of-memory abort. Also decides whether an Action file lies inside the
//! folder it must come from (`require` may read that folder, so where the
//! Action file is decides what `require` may read).

use std::io::{self, Read};
use std::path::Path;

/// The largest flow file (and tenant export file) read: far more than any
/// real flow, small enough to hold in memory.
pub const FLOW_FILE_LIMIT: u64 = 10 * 1024 * 1024;
/// The largest Action file read (bundled Actions with their dependencies
/// inlined stay well under it).
pub const ACTION_FILE_LIMIT: u64 = 10 * 1024 * 1024;

/// The text of the regular file at `path`, if it holds at most `limit`
/// bytes of UTF-8.
pub(crate) fn read_text(path: &Path, limit: u64) -> io::Result<String> {
    // Asked before opening: opening a FIFO waits for a writer, and opening
    // a device can have effects of its own.
    check(&std::fs::metadata(path)?, limit)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        // Should the path have become a FIFO since, opening it returns at once.
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    check(&file.metadata()?, limit)?;
    let mut bytes = Vec::new();
    // The file may grow while it is read.
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(limit));
    }
    String::from_utf8(bytes)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "it is not UTF-8 text"))
}

fn check(metadata: &std::fs::Metadata, limit: u64) -> io::Result<()> {
    if !metadata.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("it is {}, not a regular file", kind(metadata)),
        ));
    }
    if metadata.len() > limit {
        return Err(too_large(limit));
    }
    Ok(())
}

fn too_large(limit: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("it is larger than {} MiB", limit / (1024 * 1024)),
    )
}

/// What a path that is not a regular file is, for the message.
fn kind(metadata: &std::fs::Metadata) -> &'static str {
    let file_type = metadata.file_type();
    if file_type.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    "not a file"
}

/// Whether `file` lies inside `folder`: by its text (`..` cannot climb out,
/// an absolute path must name a place inside) and, when both exist, by their
/// real paths (a link that leads out is outside). A file that does not exist
/// is left to the read to report.
pub(crate) fn inside(folder: &Path, file: &Path) -> bool {
    // Made absolute (a flow file in the current folder has the empty path
    // as its folder), then judged as `require` judges a path: `.` and `..`
    // removed.
    let (folder, file) = (crate::load::absolute(folder), crate::load::absolute(file));
    let lexical = actions_runtime::normalise_path;
    if !lexical(&file).starts_with(lexical(&folder)) {
        return false;
    }
    match (folder.canonicalize(), file.canonicalize()) {
        (Ok(folder), Ok(file)) => file.starts_with(folder),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_under_the_cap_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("small.json");
        std::fs::write(&small, "{}").unwrap();
        assert_eq!(read_text(&small, 2).unwrap(), "{}");
        let error = read_text(&small, 1).unwrap_err();
        assert_eq!(error.to_string(), "it is larger than 0 MiB");
        let error = read_text(dir.path(), 10).unwrap_err();
        assert_eq!(error.to_string(), "it is a folder, not a regular file");
        std::fs::write(&small, [0xff, 0xfe]).unwrap();
        assert_eq!(
            read_text(&small, 10).unwrap_err().to_string(),
            "it is not UTF-8 text"
        );
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_fifos_are_refused_without_blocking() {
        let error = read_text(Path::new("/dev/zero"), FLOW_FILE_LIMIT).unwrap_err();
        assert_eq!(error.to_string(), "it is a device, not a regular file");
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // Were it opened for reading, this would wait for a writer forever.
        let error = read_text(&fifo, FLOW_FILE_LIMIT).unwrap_err();
        assert_eq!(error.to_string(), "it is a FIFO, not a regular file");
    }

    #[test]
    fn files_inside_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("flows");
        std::fs::create_dir_all(folder.join("actions")).unwrap();
        std::fs::write(folder.join("actions/a.js"), "").unwrap();
        std::fs::write(dir.path().join("outside.js"), "").unwrap();
        assert!(inside(&folder, &folder.join("actions/a.js")));
        assert!(inside(&folder, &folder.join("actions/../actions/a.js")));
        assert!(inside(&folder, &folder.join("missing.js")));
        assert!(!inside(&folder, &folder.join("../outside.js")));
        assert!(!inside(&folder, &folder.join("actions/../../outside.js")));
        assert!(!inside(&folder, Path::new("/etc/passwd")));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("outside.js"), folder.join("link.js"))
                .unwrap();
            std::os::unix::fs::symlink(dir.path(), folder.join("up")).unwrap();
            assert!(!inside(&folder, &folder.join("link.js")));
            assert!(!inside(&folder, &folder.join("up/outside.js")));
        }
        // The folder of a flow file named without one is the empty path:
        // the current folder (this crate's, in tests).
        assert!(inside(Path::new(""), Path::new("Cargo.toml")));
        assert!(!inside(Path::new(""), Path::new("../Cargo.toml")));
    }
}

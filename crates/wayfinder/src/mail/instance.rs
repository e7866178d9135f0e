//! Who holds a mail lease. Each instance keeps an id in its data directory, under a file lock
//! held while it runs: a process that gets the lock knows that no other live process has that
//! id, so the leases still held under it were left by an earlier run that died, and it can take
//! them back at once instead of waiting for them to expire.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::Path;

const FILE: &str = "instance.id";

/// The lease owner of this process.
#[derive(Debug)]
pub struct Owner {
    id: String,
    /// Held while the owner lives; the operating system drops it with the process, even at a
    /// `kill -9`. `None` for an id of this process alone.
    lock: Option<File>,
}

impl Owner {
    /// The data directory's instance id if no live process holds it, else (another process
    /// runs on this directory, or it cannot be written) an id of this process alone.
    pub fn of_data_dir(dir: &Path) -> Owner {
        match locked_id(dir) {
            Ok(Some((id, file))) => Owner {
                id,
                lock: Some(file),
            },
            Ok(None) => {
                tracing::info!(
                    "another process runs on this data directory; mail leases of this one are its own"
                );
                Owner::ephemeral()
            }
            Err(error) => {
                tracing::warn!(error = %error, "no instance id in the data directory; mail leases of a crashed run will wait to expire");
                Owner::ephemeral()
            }
        }
    }

    /// An id of this process alone (the CLI, a second process on one data directory): it has
    /// no earlier run whose leases it could take back.
    pub fn ephemeral() -> Owner {
        Owner {
            id: format!("run-{}", uuid::Uuid::new_v4()),
            lock: None,
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Whether leases held under this id can only be an earlier, dead run's.
    pub fn has_past_runs(&self) -> bool {
        self.lock.is_some()
    }
}

/// Opens and locks the id file (creating the id on first use); `None` when it is locked.
fn locked_id(dir: &Path) -> std::io::Result<Option<(String, File)>> {
    std::fs::create_dir_all(dir)?;
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(dir.join(FILE))?;
    match rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => {}
        Err(rustix::io::Errno::WOULDBLOCK) => return Ok(None),
        Err(error) => return Err(error.into()),
    }
    let mut id = String::new();
    file.read_to_string(&mut id)?;
    let id = id.trim().to_owned();
    if uuid::Uuid::parse_str(&id).is_ok() {
        return Ok(Some((id, file)));
    }
    let id = uuid::Uuid::new_v4().to_string();
    file.set_len(0)?;
    file.rewind()?;
    file.write_all(id.as_bytes())?;
    file.sync_all()?;
    Ok(Some((id, file)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_data_directory_keeps_its_id_and_lends_it_to_one_process_at_a_time() {
        let dir = tempfile::tempdir().expect("temp dir");

        let first = Owner::of_data_dir(dir.path());
        let second = Owner::of_data_dir(dir.path());
        let first_id = first.id().to_owned();
        drop(first);
        let after_restart = Owner::of_data_dir(dir.path());

        assert!(first_id.len() == 36 && !first_id.starts_with("run-"));
        assert!(!second.has_past_runs());
        assert_ne!(second.id(), first_id);
        assert!(after_restart.has_past_runs());
        assert_eq!(after_restart.id(), first_id);
    }
}

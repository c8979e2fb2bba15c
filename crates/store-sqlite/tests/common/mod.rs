use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

/// A directory of its own under the system temp dir (not created).
pub fn scratch_dir(tag: &str) -> PathBuf {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    std::env::temp_dir().join(format!(
        "cognate-store-sqlite-{tag}-{}-{n}",
        std::process::id()
    ))
}

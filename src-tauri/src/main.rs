// No console window behind the till's window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    return_freed_memory();
    sellsync_desktop::run()
}

/// glibc's allocator keeps what the app frees for later: an arena per thread that
/// allocates (WebKit's, GTK's, the runtime's), and blocks up to 32 MiB in the heap once a
/// block that size was freed. After 300 scans the app held 88 MB of anonymous memory; with
/// two arenas, blocks of 128 KiB and more mapped on their own, and the heap's free top
/// given back past 256 KiB, it holds 13 MB (`tests/desktop-e2e --bench`); the median
/// scan took a millisecond more (7 → 8 ms). Set before any other thread starts.
fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets the allocator's parameters; called first thing in main.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 256 * 1024);
    }
}

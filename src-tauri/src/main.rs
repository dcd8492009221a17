// No console window behind the till's window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    sellsync_desktop::run()
}

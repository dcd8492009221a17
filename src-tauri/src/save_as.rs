//! Files a person takes away from the till (a report as CSV, a purchase order for the
//! supplier): the system's Save dialog asks where, in front of the till's window, starting
//! in their documents folder with a name suggested. Nothing is written unless they choose.

use std::path::{Path, PathBuf};

use tauri::{AppHandle, Manager};
use tauri_plugin_dialog::DialogExt;
use tracing::info;

use crate::views::{Answer, Failure};

/// What is offered to save: the dialog's title, the file's suggested name and the kind of
/// file (its name in the dialog's filter, and its extension).
pub struct Offer<'a> {
    pub title: &'a str,
    pub file_name: &'a str,
    pub kind: &'a str,
    pub extension: &'a str,
}

/// Asks where to save `offer` and writes `contents` there: the path, or `None` when the
/// dialog was cancelled (nothing written).
pub async fn save(
    app: &AppHandle,
    offer: &Offer<'_>,
    contents: impl AsRef<[u8]>,
) -> Answer<Option<PathBuf>> {
    let Some(path) = ask_where(app, offer).await else {
        return Ok(None);
    };
    write(&path, contents)?;
    Ok(Some(path))
}

/// Asks where to save `offer`: the path chosen, or `None` when the dialog was cancelled.
/// Waits for the person without holding a thread: the dialog runs on the window's.
async fn ask_where(app: &AppHandle, offer: &Offer<'_>) -> Option<PathBuf> {
    let (chosen, answer) = tokio::sync::oneshot::channel();
    let mut dialog = app
        .dialog()
        .file()
        .set_title(offer.title)
        .set_file_name(offer.file_name)
        .add_filter(offer.kind, &[offer.extension]);
    if let Some(documents) =
        directories::UserDirs::new().and_then(|d| d.document_dir().map(Path::to_path_buf))
    {
        dialog = dialog.set_directory(documents);
    }
    if let Some(window) = app.get_webview_window("main") {
        dialog = dialog.set_parent(&window);
    }
    dialog.save_file(move |path| {
        let _ = chosen.send(path);
    });
    let path = answer.await.ok().flatten()?.into_path().ok()?;
    Some(with_extension(path, offer.extension))
}

/// The path as chosen, with the extension added when the name was typed without it.
fn with_extension(path: PathBuf, extension: &str) -> PathBuf {
    if path.extension().is_some() {
        path
    } else {
        path.with_extension(extension)
    }
}

/// Writes `contents` to `path`, or says in words why it could not.
pub fn write(path: &Path, contents: impl AsRef<[u8]>) -> Answer<()> {
    std::fs::write(path, contents).map_err(|e| {
        Failure::new(
            "export_failed",
            format!("{} could not be saved: {e}.", path.display()),
        )
    })?;
    info!(file = %path.display(), "saved");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_typed_without_its_extension_gets_it() {
        assert_eq!(
            with_extension("/a/report".into(), "csv"),
            PathBuf::from("/a/report.csv")
        );
        assert_eq!(
            with_extension("/a/report.csv".into(), "csv"),
            PathBuf::from("/a/report.csv")
        );
        assert_eq!(
            with_extension("/a/report.txt".into(), "csv"),
            PathBuf::from("/a/report.txt")
        );
    }

    #[test]
    fn a_file_that_cannot_be_written_is_refused_in_words() {
        let folder = tempfile::tempdir().unwrap();
        let missing = folder.path().join("no such folder").join("report.csv");
        let failure = write(&missing, "x").unwrap_err();
        assert_eq!(failure.code, "export_failed");
        assert!(
            failure.message.contains("report.csv could not be saved"),
            "{}",
            failure.message
        );
        write(&folder.path().join("report.csv"), "a,b\n").unwrap();
        assert_eq!(
            std::fs::read_to_string(folder.path().join("report.csv")).unwrap(),
            "a,b\n"
        );
    }
}

"""The desktop app's Debian package, installed by dpkg into a scratch root.

Run by tests/run after the end-to-end tests (which built the debug app): the package is
made by `bash desktop/package --debug`, the same script and bundler as the release
package, from the debug build to keep the test quick. The release package's size is
measured by `bash tests/desktop-e2e --bench`, not here.

    python3 tests/package_test.py          # builds the package
    DEB=PATH python3 tests/package_test.py  # checks one built before, next to its build
"""

import os
import shutil
import struct
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIZES = [32, 48, 64, 128, 256, 512]


def run(*args, **kwargs):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs).stdout


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


def build():
    """The package's path: $DEB, or one built now."""
    if os.environ.get("DEB"):
        return os.environ["DEB"]
    out = run("bash", "desktop/package", "--debug", cwd=ROOT)
    return out.strip().splitlines()[-1]


class ScratchRoot:
    """A root with an empty dpkg database: dpkg installs into it as it would into /,
    without touching this machine's packages."""

    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="sellsync-deb-")
        admin = os.path.join(self.root, "var/lib/dpkg")
        for sub in ["info", "updates", "triggers"]:
            os.makedirs(os.path.join(admin, sub))
        for name in ["status", "available"]:
            open(os.path.join(admin, name), "w").close()

    def dpkg(self, *args):
        return run(
            "dpkg",
            f"--root={self.root}",
            "--force-not-root",
            "--force-script-chrootless",
            # The scratch root has none of the libraries: that the package declares them
            # is checked on its own.
            "--force-depends",
            "--log=/dev/null",
            *args,
        )

    def path(self, inside):
        return os.path.join(self.root, inside.lstrip("/"))

    def files(self):
        return [
            os.path.join(d, f)
            for d, _, files in os.walk(self.path("/usr"))
            for f in files
        ]

    def remove(self):
        shutil.rmtree(self.root, ignore_errors=True)


def setUpModule():
    global DEB, FIELDS
    DEB = build()
    FIELDS = dict(
        line.split(": ", 1)
        for line in run("dpkg-deb", "--field", DEB).splitlines()
        if ": " in line and not line.startswith(" ")
    )


class Installed(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scratch = ScratchRoot()
        cls.scratch.dpkg("--install", DEB)

    @classmethod
    def tearDownClass(cls):
        cls.scratch.remove()

    def path(self, inside):
        return self.scratch.path(inside)

    def test_the_control_fields_declare_what_the_app_runs_on(self):
        self.assertEqual(FIELDS["Package"], "sell-sync")
        self.assertEqual(FIELDS["Version"], "0.1.0")
        self.assertEqual(FIELDS["Architecture"], run("dpkg", "--print-architecture").strip())
        depends = [d.strip().split(" ")[0] for d in FIELDS["Depends"].split(",")]
        for library in ["libwebkit2gtk-4.1-0", "libgtk-3-0"]:
            self.assertIn(library, depends)
        self.assertIn("point of sale", FIELDS["Description"])

    def test_dpkg_holds_it_installed_with_its_files(self):
        status = self.scratch.dpkg("--status", FIELDS["Package"])
        self.assertIn("Status: install ok installed", status)
        listed = self.scratch.dpkg("--listfiles", FIELDS["Package"]).splitlines()
        self.assertIn("/usr/bin/sellsync-desktop", listed)
        self.assertEqual(
            sorted(f for f in listed if os.path.isfile(self.path(f))),
            sorted("/" + os.path.relpath(f, self.scratch.root) for f in self.scratch.files()),
            "every file installed is the package's",
        )

    def test_the_binary_is_the_desktop_app(self):
        binary = self.path("/usr/bin/sellsync-desktop")
        self.assertTrue(os.access(binary, os.X_OK))
        with open(binary, "rb") as f:
            self.assertEqual(f.read(4), b"\x7fELF")
        # target/PROFILE/bundle/deb/X.deb holds target/PROFILE/sellsync-desktop.
        profile_dir = os.path.dirname(os.path.dirname(os.path.dirname(DEB)))
        built = os.path.join(profile_dir, "sellsync-desktop")
        with open(binary, "rb") as f:
            installed = f.read()
        with open(built, "rb") as f:
            made = f.read()
        # The bundler marks the copy it packs as installed from a .deb (Tauri's bundle
        # type, a marker in the binary); nothing else differs from the build's own.
        marker = made.index(b"__TAURI_BUNDLE_TYPE_VAR_UNK") + len(b"__TAURI_BUNDLE_TYPE_VAR_")
        self.assertEqual(installed[marker:marker + 3], b"DEB")
        self.assertTrue(
            installed[:marker] + b"UNK" + installed[marker + 3:] == made, "the build's own binary"
        )

    def test_the_desktop_entry_opens_the_app_with_its_icon(self):
        entry_path = self.path("/usr/share/applications/Sell Sync.desktop")
        with open(entry_path) as f:
            lines = f.read().splitlines()
        self.assertEqual(lines[0], "[Desktop Entry]")
        entry = dict(line.split("=", 1) for line in lines[1:] if "=" in line)
        self.assertEqual(entry["Type"], "Application")
        self.assertEqual(entry["Name"], "Sell Sync")
        self.assertEqual(entry["Exec"], "sellsync-desktop")
        self.assertEqual(entry["Icon"], "sellsync-desktop")
        self.assertIn("Office", entry["Categories"].split(";"))
        # desktop-file-utils' own check of the entry, as the desktop environment reads it.
        run("desktop-file-validate", entry_path)

    def test_the_icons_are_there_in_every_size(self):
        for size in SIZES:
            icon = self.path(f"/usr/share/icons/hicolor/{size}x{size}/apps/sellsync-desktop.png")
            self.assertEqual(png_size(icon), (size, size), icon)


class Removed(unittest.TestCase):
    def test_purging_it_leaves_no_file(self):
        scratch = ScratchRoot()
        try:
            scratch.dpkg("--install", DEB)
            self.assertNotEqual(scratch.files(), [])
            scratch.dpkg("--purge", FIELDS["Package"])
            self.assertEqual(scratch.files(), [])
        finally:
            scratch.remove()


if __name__ == "__main__":
    unittest.main(verbosity=2)

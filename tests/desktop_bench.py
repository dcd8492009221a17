"""Desktop benchmarks (figures, not pass/fail), run by `bash tests/desktop-e2e --bench`:

- cold start: from asking for the window to the sign-in screen showing staff;
- scan to cart: from Enter in the scan field to the cart showing the item, measured in the
  page (a MutationObserver), median and p99 over SCANS scans;
- cash sales: SALES of them (then up to MORE_SALES), with the time from Confirm to the
  receipt screen (median, p99) and the app's resident memory after each, split by what
  holds it;
- with BACKLOG_DIR (a till that traded offline, pointed at a MongoDB server, made by the
  offline_till example): sign-in (Enter on the PIN pad to the sell screen) and scan to
  cart while the sync engine uploads the backlog, with the backlog before and after.
"""

import os
import statistics
import subprocess
import time

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.remote.client_config import ClientConfig
from selenium.webdriver.remote.remote_connection import RemoteConnection
from selenium.webdriver.support.ui import WebDriverWait

SCANS = int(os.environ.get("SCANS", "300"))
SALES = int(os.environ.get("SALES", "500"))
# Sales after which resident memory is looked at again, to see whether it grows.
MORE_SALES = int(os.environ.get("MORE_SALES", "0"))
CODES = ["2000024333427", "PRO-001", "DAI-001", "PRO-002", "DAI-002"]

# Types `code` into the scan field, presses Enter, and answers how long (ms) until the cart
# table changed.
SCAN = """
const [code, done] = arguments;
const field = document.querySelector('#scan');
const cart = document.querySelector('#cart tbody');
const observer = new MutationObserver(() => {
  observer.disconnect();
  done(performance.now() - start);
});
observer.observe(cart, {childList: true, subtree: true, characterData: true});
field.value = code;
field.dispatchEvent(new Event('input', {bubbles: true}));
const start = performance.now();
field.form.requestSubmit();
"""

# Rings up the cart as a cash sale in the page, as a cashier does: Pay, then Confirm; then
# New sale, until the cart is empty again. Answers how long (ms) from Confirm until the
# sale's receipt screen was there: the sale written, its receipt queued, the screen drawn.
SALE = """
const done = arguments[0];
const until = (found, then) => (function poll() {
  const element = found();
  if (element) then(element); else requestAnimationFrame(poll);
})();
document.querySelector('#pay').click();
// Confirm once the dialog has its payment methods (cash is picked).
until(() => document.querySelector('#pay-dialog .method.active') && document.querySelector('#pay-confirm'), (confirm) => {
  const start = performance.now();
  confirm.click();
  until(() => document.querySelector('#new-sale'), (next) => {
    const took = performance.now() - start;
    next.click();
    until(() => !document.querySelector('#cart tr.line'), () => done(took));
  });
});
"""

# Presses Enter on the PIN pad and answers how long (ms) until the sell screen is there.
SIGN_IN = """
const done = arguments[0];
const start = performance.now();
document.querySelector('#pin-enter').click();
(function wait() {
  if (document.querySelector('#scan')) done(performance.now() - start);
  else requestAnimationFrame(wait);
})();
"""


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def session(*args):
    options = ArgOptions()
    options.set_capability("tauri:options", {"application": os.environ["APP"], "args": list(args)})
    config = ClientConfig(remote_server_addr=os.environ["DRIVER_URL"], timeout=120)
    return webdriver.Remote(RemoteConnection(client_config=config), options=options)


def main():
    if os.environ.get("BACKLOG_DIR"):
        backlog(os.environ["BACKLOG_DIR"])
        return
    started = time.monotonic()
    driver = session()
    try:
        wait = WebDriverWait(driver, 30)
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#open-demo, .staff-member"))
        if driver.find_elements(By.CSS_SELECTOR, "#open-demo"):
            driver.find_element(By.CSS_SELECTOR, "#open-demo").click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".staff-member"))
        print(f"cold start to the sign-in screen: {time.monotonic() - started:.2f} s")

        driver.find_element(By.CSS_SELECTOR, '.staff-member[data-email="cashier@example.com"]').click()
        for digit in "1111":
            driver.find_element(By.CSS_SELECTOR, f'.pin-key[data-key="{digit}"]').click()
        driver.find_element(By.CSS_SELECTOR, "#pin-enter").click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#scan"))

        driver.set_script_timeout(10)
        timings = []
        for n in range(SCANS):
            timings.append(driver.execute_async_script(SCAN, CODES[n % len(CODES)]))
            if n % 50 == 49:  # a new sale now and then, so the cart stays a real size
                driver.execute_async_script(SALE)
        print(
            f"scan to cart over {SCANS} scans: median {statistics.median(timings):.1f} ms,"
            f" p99 {percentile(timings, 0.99):.1f} ms, max {max(timings):.1f} ms"
        )

        print(f"app resident after the scans: {resident_kb()} kB")
        print(memory_split())
        done = 0
        for stop in [SALES] + ([MORE_SALES] if MORE_SALES > SALES else []):
            started, rung, timings = time.monotonic(), done, []
            while done < stop:
                driver.execute_async_script(SCAN, CODES[0])
                timings.append(driver.execute_async_script(SALE))
                done += 1
            rate = (done - rung) / (time.monotonic() - started)
            print(
                f"sales {rung + 1} to {done}: {rate:.1f} sales/s through WebDriver; confirm to"
                f" receipt median {statistics.median(timings):.1f} ms,"
                f" p99 {percentile(timings, 0.99):.1f} ms"
            )
            print(f"app resident after {done} sales: {resident_kb()} kB")
            print(memory_split())
    finally:
        driver.quit()


def backlog(data_dir):
    """Sign-in and scan to cart while the engine uploads the backlog of `data_dir`."""
    driver = session("--data-dir", data_dir)
    try:
        wait = WebDriverWait(driver, 60)
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".staff-member"))
        driver.set_script_timeout(30)
        sign_ins = []
        scans = []
        pending = []
        for round in range(5):
            driver.find_element(By.CSS_SELECTOR, '.staff-member[data-email="cashier@example.com"]').click()
            for digit in "1111":
                driver.find_element(By.CSS_SELECTOR, f'.pin-key[data-key="{digit}"]').click()
            sign_ins.append(driver.execute_async_script(SIGN_IN))
            pending.append(driver.find_element(By.CSS_SELECTOR, "#status-pending").text)
            for n in range(SCANS // 5):
                scans.append(driver.execute_async_script(SCAN, CODES[n % len(CODES)]))
            pending.append(driver.find_element(By.CSS_SELECTOR, "#status-pending").text)
            driver.execute_async_script(SALE)
            driver.find_element(By.CSS_SELECTOR, "#sign-out").click()
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".staff-member"))
        print("while the engine uploads the backlog (status bar: " + ", ".join(pending) + "):")
        print("  sign-in, PIN Enter to the sell screen: " + ", ".join(f"{t:.0f}" for t in sign_ins) + " ms")
        print(
            f"  scan to cart over {len(scans)} scans: median {statistics.median(scans):.1f} ms,"
            f" p99 {percentile(scans, 0.99):.1f} ms, max {max(scans):.1f} ms"
        )
    finally:
        driver.quit()


def resident_kb():
    """The app process's resident memory (VmRSS), in kB."""
    with open(f"/proc/{app_pid()}/status") as status:
        line = next(line for line in status if line.startswith("VmRSS"))
    return int(line.split()[1])


def app_pid():
    return subprocess.run(
        ["pgrep", "-n", "-f", os.environ["APP"]], capture_output=True, text=True, check=True
    ).stdout.strip()


def memory_split():
    """Where the app's resident memory is, from /proc/PID/smaps, in MB: the binary,
    WebKitGTK and JavaScriptCore, Mesa (the GL driver WebKit's display loads, with the LLVM
    it links), other libraries, other files, and anonymous memory (the allocator's heaps,
    the threads' stacks); then the proportional set size (shared pages divided among the
    processes mapping them), the private part, and the WebKit web process's resident
    memory."""
    groups = {}
    name = None
    with open(f"/proc/{app_pid()}/smaps") as smaps:
        for line in smaps:
            fields = line.split()
            if "-" in fields[0] and len(fields[0]) > 8 and ":" not in fields[0]:
                path = fields[5] if len(fields) > 5 else ""
                base = os.path.basename(path)
                if path == os.environ["APP"]:
                    name = "the app's binary"
                elif base.startswith(("libwebkit2gtk", "libjavascriptcoregtk")):
                    name = "WebKitGTK + JavaScriptCore"
                elif base.startswith(("libLLVM", "libgallium")) or "/dri/" in path:
                    name = "Mesa"
                elif ".so" in base:
                    name = "other libraries"
                elif path.startswith("/"):
                    name = "other files (fonts, caches)"
                else:
                    name = "anonymous (heaps, stacks)"
            elif fields[0] == "Rss:":
                groups[name] = groups.get(name, 0) + int(fields[1])
    rollup = {}
    with open(f"/proc/{app_pid()}/smaps_rollup") as lines:
        for line in lines:
            fields = line.split()
            if fields[0].endswith(":") and len(fields) == 3:
                rollup[fields[0][:-1]] = int(fields[1])
    private = rollup["Private_Clean"] + rollup["Private_Dirty"]
    web = subprocess.run(
        ["ps", "-o", "rss=", "-C", "WebKitWebProcess"], capture_output=True, text=True
    ).stdout.split()
    parts = ", ".join(f"{k} {v / 1024:.1f}" for k, v in sorted(groups.items(), key=lambda kv: -kv[1]))
    return (
        f"  resident by mapping (MB): {parts}\n"
        f"  proportional {rollup['Pss'] / 1024:.1f} MB, private {private / 1024:.1f} MB;"
        f" the web process resident {sum(map(int, web)) / 1024:.1f} MB"
    )


if __name__ == "__main__":
    main()

"""The back office in a real Chromium, driven through chromedriver (run by
tests/backoffice-e2e), against the real gateway (SELLSYNC_SERVER) on the MongoDB-wire test
server, with two tills of two stores made by the command line (SELLSYNC_CLI) that sold and
synced through it.

The business: Corner Market, owner owner@example.com with a password; stores Downtown
(till D1: 2 milk and a bread) and Uptown (till U1: a milk).
"""

import base64
import hashlib
import hmac
import io
import json
import os
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

import zxingcpp
from bson import ObjectId
from PIL import Image
from pymongo import MongoClient
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

SERVER = os.environ["SELLSYNC_SERVER"]
CLI = os.environ["SELLSYNC_CLI"]
MONGODB = os.environ["SELLSYNC_TEST_MONGODB_URI"]
SCREENSHOTS = os.environ["SCREENSHOTS"]
PASSWORD = "correct horse battery"


def totp(secret, at):
    """The code an authenticator app shows for `secret` (base32) at `at` (RFC 6238)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, int(at // 30).to_bytes(8, "big"), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = int.from_bytes(digest[offset:offset + 4], "big") & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def time_now():
    """Now, as MongoDB keeps a time (to the millisecond)."""
    from datetime import datetime, timezone
    return datetime.now(timezone.utc)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class World:
    """The gateway and what the tills made, shared by the tests."""

    def __init__(self):
        self.database = f"backoffice_{int(time.time() * 1000)}"
        self.env = dict(os.environ, SELLSYNC_MONGODB_URI=MONGODB, SELLSYNC_MONGODB_DATABASE=self.database)
        created = self.admin("create-business", "--name", "Corner Market", "--plan", "Premium",
                             "--owner-email", "owner@example.com", "--owner-pin", "4321",
                             "--owner-password", PASSWORD, "--store", "Downtown")
        ids = dict(line.split(" ", 1) for line in created.splitlines() if line.startswith(("business ", "store ")))
        self.business, self.downtown = ids["business"], ids["store"]
        self.key = created.strip().splitlines()[-1]
        uptown = self.admin("create-store", "--business", self.business, "--name", "Uptown")
        self.uptown = next(l.split(" ", 1)[1] for l in uptown.splitlines() if l.startswith("store "))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.gateway = subprocess.Popen([SERVER, "serve", "--listen", f"127.0.0.1:{self.port}"], env=self.env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        for sku, price, category in [("MILK", "3.49", "Dairy"), ("BREAD", "2.50", "Bakery")]:
            self.api("POST", "/v1/products", {
                "sku": sku, "product_name": sku.capitalize(), "price": price, "category": category,
                "opening_stock": [{"store_id": self.downtown, "quantity": 50},
                                  {"store_id": self.uptown, "quantity": 50}]})
        self.folder = tempfile.TemporaryDirectory()
        for store, label, items in [(self.downtown, "D1", ["MILK:2", "BREAD"]), (self.uptown, "U1", ["MILK"])]:
            till = os.path.join(self.folder.name, label)
            code = self.admin("enrol", "--business", self.business, "--store", store).strip().splitlines()[-1]
            self.till(till, "init", "--server", self.base, "--enrol", code, "--till-code", label)
            who = ["--user", "owner@example.com", "--pin", "4321"]
            self.till(till, "shift", "open", "--float", "100.00", *who)
            self.till(till, "sale", *who, *[a for item in items for a in ("--item", item)], "--pay", "cash")
            self.till(till, "sync", "--once")
        self.db = MongoClient(MONGODB)[self.database]

    def admin(self, *args):
        return subprocess.run([SERVER, "admin", *args], env=self.env, check=True, capture_output=True,
                              text=True).stdout

    def till(self, folder, *args):
        # The till syncs where its enrolment said, never to a database named here.
        env = {k: v for k, v in os.environ.items() if not k.startswith("SELLSYNC_MONGODB")}
        done = subprocess.run([CLI, "--data-dir", folder, *args], env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise AssertionError(f"sellsync {' '.join(args)}: {done.stderr}")
        return done.stdout

    def api(self, method, path, body):
        request = urllib.request.Request(self.base + path, method=method, data=json.dumps(body).encode(),
                                         headers={"Authorization": f"Bearer {self.key}",
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request) as answer:
            return json.load(answer)

    def person(self, email, role, store=None, password=True):
        """A person of the business, as the owner adds them (once: tests share them)."""
        if self.db.users.find_one({"email": email}):
            return
        self.db.users.insert_one({
            "_id": ObjectId(), "business_id": ObjectId(self.business),
            "store_id": ObjectId(store) if store else None, "name": email.split("@")[0].title(),
            "email": email, "role": role, "permissions": [],
            "password_hash": self.db.users.find_one({"email": "owner@example.com"})["password_hash"]
            if password else None,
        })

    def close(self):
        self.gateway.terminate()
        self.gateway.wait()
        self.folder.cleanup()


class BackOfficeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.world = World()

    @classmethod
    def tearDownClass(cls):
        cls.world.close()

    def browser(self):
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1200",
                         "--lang=en-US"]:
            options.add_argument(argument)
        driver = webdriver.Chrome(options=options, service=webdriver.ChromeService("/usr/bin/chromedriver"))
        self.addCleanup(driver.quit)
        driver.get(self.world.base + "/")
        return driver

    def setUp(self):
        self.driver = self.browser()

    def wait(self, timeout=10, driver=None):
        return WebDriverWait(driver or self.driver, timeout, 0.2,
                             ignored_exceptions=(StaleElementReferenceException,))

    def find(self, css, timeout=10, driver=None):
        return self.wait(timeout, driver).until(
            lambda d: next((e for e in d.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()), None))

    def wait_for_text(self, css, wanted, timeout=10, driver=None):
        seen = []
        try:
            self.wait(timeout, driver).until(lambda d: seen.append(self.find(css, timeout, d).text) or wanted in seen[-1])
        except TimeoutException:
            self.fail(f"{css} never showed {wanted!r}; last {seen[-1:]!r}")

    def sign_in(self, email, password, driver=None):
        driver = driver or self.driver
        email_field = self.find("#sign-in-email", driver=driver)
        email_field.send_keys(Keys.CONTROL + "a" + Keys.NULL, Keys.DELETE, email)
        self.find("#sign-in-password", driver=driver).send_keys(password + Keys.ENTER)

    def rows(self, table):
        return [[cell.text for cell in row.find_elements(By.CSS_SELECTOR, "td")]
                for row in self.driver.find_elements(By.CSS_SELECTOR, f"#{table} tbody tr")]

    def fetch(self, path):
        """What the page's own session gets from the gateway at `path`: the status."""
        return self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch(arguments[0]).then(r => done(r.status), e => done(String(e)));", path)

    def qr(self, css):
        """What the QR code drawn at `css` says, read from the page's pixels."""
        image = Image.open(io.BytesIO(self.find(css).screenshot_as_png))
        found = zxingcpp.read_barcodes(image)
        self.assertEqual(len(found), 1, f"{css}: {found}")
        self.assertEqual(found[0].format, zxingcpp.BarcodeFormat.QRCode)
        return found[0].text

    def screenshot(self, name):
        self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "requestAnimationFrame(() => requestAnimationFrame(() => done()));")
        self.driver.save_screenshot(os.path.join(SCREENSHOTS, f"{name}.png"))

    def test_00_the_gateway_serves_the_back_office_with_a_policy_on_every_page(self):
        for path in ("/", "/stock/some/page"):
            with urllib.request.urlopen(self.world.base + path) as answer:
                self.assertIn("Sell Sync back office", answer.read().decode())
                self.assertIn("default-src 'self'", answer.headers["Content-Security-Policy"])
                self.assertIn("frame-ancestors 'none'", answer.headers["Content-Security-Policy"])
                self.assertEqual(answer.headers["X-Frame-Options"], "DENY")
                self.assertEqual(answer.headers["Cache-Control"], "no-cache")
        # A file of the build is kept for good; one the build has not is no page; the API's
        # routes stay the API's.
        for path, status in (("/assets/gone.js", 404), ("/v1/nothing", 404)):
            try:
                urllib.request.urlopen(self.world.base + path)
                self.fail(f"{path} answered")
            except urllib.error.HTTPError as refused:
                self.assertEqual(refused.code, status)
                self.assertEqual(refused.headers["Content-Type"], "application/problem+json")
        asset = self.driver.execute_script("return document.querySelector('script[src]').src")
        with urllib.request.urlopen(asset) as answer:
            self.assertIn("immutable", answer.headers["Cache-Control"])
            self.assertTrue(answer.headers["Content-Type"].startswith("text/javascript"))

    def test_01_wrong_passwords_are_refused_in_words_and_five_lock_the_person_out(self):
        self.world.person("casey@example.com", "admin")
        self.screenshot("backoffice-sign-in")
        for _ in range(4):
            self.sign_in("casey@example.com", "not the password")
            self.wait_for_text("#sign-in-error", "do not match")
        # An email nobody has reads the same: no hint which of the two was wrong.
        self.sign_in("nobody@example.com", PASSWORD)
        self.wait_for_text("#sign-in-error", "That email and password do not match")
        self.sign_in("casey@example.com", "not the password")
        self.wait_for_text("#sign-in-error", "Locked after too many wrong tries")
        # Locked: the right password is refused too, and nothing is shown of the business.
        self.sign_in("casey@example.com", PASSWORD)
        self.wait_for_text("#sign-in-error", "Locked after too many wrong tries")
        self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR, "#dashboard"), [])

    def test_02_the_owner_sees_both_stores_sales_made_by_two_tills(self):
        self.sign_in("owner@example.com", PASSWORD)
        self.wait_for_text("#person", "Owner")
        # 2 × 3.49 + 2.50 downtown, 3.49 uptown.
        self.wait_for_text("#total-net", "12.97")
        self.assertEqual(self.find("#total-transactions").text, "2")
        stores = {row[0]: row for row in self.rows("stores-table")}
        self.assertEqual(stores["Downtown"][1:4], ["9.48", "0.00", "9.48"])
        self.assertEqual(stores["Uptown"][1:4], ["3.49", "0.00", "3.49"])
        # Compared: each store's share of the net and average sale, as a table and a chart,
        # the best first.
        self.assertEqual(stores["Downtown"][4:6], ["73.1%", "9.48"])
        self.assertEqual(stores["Uptown"][4:6], ["26.9%", "3.49"])
        bars = self.driver.find_elements(By.CSS_SELECTOR, "#store-chart g")
        self.assertEqual([b.get_attribute("data-store") for b in bars], ["Downtown", "Uptown"])
        self.assertIn("73.1%", bars[0].text)
        self.assertEqual([row[0] for row in self.rows("top-products")], ["Milk", "Bread"])
        self.assertEqual(self.rows("top-products")[0][1:], ["3", "10.47"])
        tills = {row[0]: row for row in self.rows("tills")}
        self.assertEqual(sorted(tills), ["D1", "U1"])
        self.assertEqual(tills["U1"][1:3], ["Uptown", "online"])
        self.assertEqual(len(self.driver.find_elements(By.CSS_SELECTOR, "#hour-chart rect")), 24)
        self.screenshot("backoffice-dashboard")
        # Sorted by net, smallest first on the second click.
        header = self.find("#stores-table th:nth-child(4) button")
        header.click()
        self.assertEqual(self.rows("stores-table")[0][0], "Downtown")
        header.click()
        self.assertEqual(self.rows("stores-table")[0][0], "Uptown")
        # One store, then a day without sales.
        Select(self.find("#store-filter")).select_by_visible_text("Uptown")
        self.wait_for_text("#total-net", "3.49")
        self.assertEqual([row[0] for row in self.rows("stores-table")], ["Uptown"])
        next(b for b in self.driver.find_elements(By.CSS_SELECTOR, ".controls button") if b.text == "Yesterday").click()
        self.wait_for_text("#total-net", "0.00")

    def test_03_a_manager_of_one_store_sees_it_and_nothing_of_the_other(self):
        # A notification of each store, as their tills send them.
        for store, message in ((self.world.downtown, "Bread is low at Downtown"),
                               (self.world.uptown, "Milk oversold at Uptown")):
            self.world.db.notifications.insert_one({
                "_id": ObjectId(), "business_id": ObjectId(self.world.business), "store_id": ObjectId(store),
                "user_id": None, "kind": "low_stock", "product_id": None, "message": message,
                "status": "unread", "created_at": time_now()})
        self.world.person("morgan@example.com", "manager", store=self.world.uptown)
        self.sign_in("morgan@example.com", PASSWORD)
        self.wait_for_text("#person", "Store manager")
        self.wait_for_text("#total-net", "3.49")
        self.assertEqual([row[0] for row in self.rows("stores-table")], ["Uptown"])
        self.assertEqual([row[0] for row in self.rows("tills")], ["U1"])
        self.wait_for_text("#notifications", "Milk oversold at Uptown")
        self.assertNotIn("Downtown", self.find("#notifications").text)
        self.assertEqual(self.fetch(f"/v1/notifications?store_id={self.world.downtown}"), 404)
        # The owner's dashboard has both.
        owner = self.browser()
        self.sign_in("owner@example.com", PASSWORD, driver=owner)
        self.wait_for_text("#notifications", "Bread is low at Downtown", driver=owner)
        self.assertIn("Milk oversold at Uptown", self.find("#notifications", driver=owner).text)
        self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR, "#store-filter"), [])
        # Their session asking for the other store, or for business-wide pages, gets nothing.
        self.assertEqual(self.fetch(f"/v1/dashboard?store_id={self.world.downtown}"), 404)
        self.assertEqual(self.fetch("/v1/products"), 403)
        self.assertEqual(self.fetch("/v1/sales"), 403)
        # The business's pages are not offered, and their address shows their own.
        self.assertNotIn("Catalogue", self.find("nav").text)
        self.driver.get(self.world.base + "/catalogue")
        self.wait_for_text("#total-net", "3.49")

    def test_04_signing_out_everywhere_ends_the_session_in_another_browser(self):
        other = self.browser()
        for driver in (self.driver, other):
            self.sign_in("owner@example.com", PASSWORD, driver=driver)
            self.wait_for_text("#total-net", "12.97", driver=driver)
        self.find("#sign-out-everywhere").click()
        self.find("#sign-in-email")
        # The other browser's next call finds its session ended: back to signing in.
        other.refresh()
        self.find("#sign-in-email", driver=other)
        self.assertEqual(other.find_elements(By.CSS_SELECTOR, "#dashboard"), [])
        # A change without the page's CSRF token is refused even with the cookie.
        self.sign_in("owner@example.com", PASSWORD)
        self.wait_for_text("#total-net", "12.97")
        status = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch('/v1/suppliers', {method: 'POST', headers: {'Content-Type': 'application/json'},"
            " body: JSON.stringify({supplier_name: 'Forged'})}).then(r => done(r.status));")
        self.assertEqual(status, 403)
        self.assertIsNone(self.world.db.suppliers.find_one({"supplier_name": "Forged"}))

    def test_05_a_password_link_sets_a_password_once(self):
        self.world.person("avery@example.com", "admin", password=False)
        link = self.world.admin("password-link", "--business", self.world.business, "--email", "avery@example.com",
                                "--url", self.world.base).strip().splitlines()[-1]
        self.assertTrue(link.startswith(f"{self.world.base}/set-password#ssp_"), link)
        self.driver.get(link)
        self.find("#new-password").send_keys("short")
        self.find("#new-password-again").send_keys("short" + Keys.ENTER)
        self.wait_for_text("#set-password-error", "at least 8 characters")
        for css in ("#new-password", "#new-password-again"):
            self.find(css).send_keys(Keys.CONTROL + "a" + Keys.NULL, Keys.DELETE, "a brand new password")
        self.find("#set-password-submit").click()
        self.wait_for_text("#password-set", "Your password is set")
        # Used once: the same link again is refused in words.
        self.driver.get(link)
        self.driver.refresh()
        for css in ("#new-password", "#new-password-again"):
            self.find(css).send_keys("another long password")
        self.find("#set-password-submit").click()
        self.wait_for_text("#set-password-error", "used already or has expired")
        self.driver.get(self.world.base + "/")
        self.sign_in("avery@example.com", "a brand new password")
        self.wait_for_text("#person", "Admin")

    def test_06_a_price_changed_in_the_catalogue_reaches_a_till(self):
        self.sign_in("owner@example.com", PASSWORD)
        self.wait_for_text("#person", "Owner")
        next(a for a in self.driver.find_elements(By.CSS_SELECTOR, "nav a") if a.text == "Catalogue").click()
        self.wait_for_text("#products", "MILK")
        self.find("#catalogue-search").send_keys("mil")
        self.wait(10).until(lambda d: [r[0] for r in self.rows("products")] == ["MILK"])
        self.find("[data-edit='MILK']").click()
        price = self.find("#edit-price")
        # A price the currency cannot hold is refused in words, and nothing is written.
        price.send_keys(Keys.CONTROL + "a" + Keys.NULL, Keys.DELETE, "3.999")
        self.find("#edit-save").click()
        self.wait_for_text("#product-error", "3.999")
        self.assertEqual(self.world.db.products.find_one({"sku": "MILK"})["price"].to_decimal().to_eng_string(), "3.49")
        price.send_keys(Keys.CONTROL + "a" + Keys.NULL, Keys.DELETE, "3.99")
        self.find("#edit-save").click()
        self.wait_for_text("#catalogue-saved", "Milk is saved")
        self.assertEqual(self.rows("products")[0][3], "3.99")
        self.screenshot("backoffice-catalogue")
        # The downtown till takes it at its next sync.
        till = os.path.join(self.world.folder.name, "D1")
        self.world.till(till, "sync", "--once")
        self.assertIn("3.99", self.world.till(till, "product", "find", "MILK"))

    def test_07_a_key_is_made_shown_once_and_revoked(self):
        self.sign_in("owner@example.com", PASSWORD)
        self.wait_for_text("#person", "Owner")
        next(a for a in self.driver.find_elements(By.CSS_SELECTOR, "nav a") if a.text == "API keys").click()
        self.wait_for_text("#keys", "active")
        self.find("#make-key").click()  # read only
        key = self.find("#new-key").text
        self.assertTrue(key.startswith("ssk_"), key)
        label = key[:10] + "…"
        self.wait_for_text("#keys", label)
        self.screenshot("backoffice-keys")

        def status(method, path, body=None):
            request = urllib.request.Request(
                self.world.base + path, method=method, data=body and json.dumps(body).encode(),
                headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
            try:
                return urllib.request.urlopen(request).status
            except urllib.error.HTTPError as refused:
                return refused.code

        self.assertEqual(status("GET", "/v1/products"), 200)
        self.assertEqual(status("POST", "/v1/suppliers", {"supplier_name": "Read only"}), 403)
        # Revoked from the page: refused at once.
        self.find(f"[data-revoke='{label}']").click()
        self.driver.switch_to.alert.accept()
        self.wait(10).until(lambda d: any(r[0] == label and r[2] == "revoked" for r in self.rows("keys")))
        self.assertEqual(status("GET", "/v1/products"), 401)
        # The key itself is nowhere on the page again, nor in the database.
        self.driver.refresh()
        self.wait_for_text("#keys", label)
        self.assertNotIn(key, self.driver.page_source)
        self.assertIsNone(self.world.db.api_keys.find_one({"api_key": key}))

    def test_08_a_till_is_enrolled_with_a_code_made_here_and_revoked(self):
        self.sign_in("owner@example.com", PASSWORD)
        self.wait_for_text("#person", "Owner")
        next(a for a in self.driver.find_elements(By.CSS_SELECTOR, "nav a") if a.text == "Tills").click()
        self.wait_for_text("#tills-list", "D1")
        Select(self.find("#enrol-store")).select_by_visible_text("Uptown")
        self.find("#make-code").click()
        code = self.find("#enrolment-code").text
        self.assertTrue(code.startswith("sse_"), code)
        # The QR code holds this server's address and the code: a scanner gives the till both.
        ticket = self.qr("#enrolment-qr")
        self.assertEqual(ticket, f"{self.world.base}#{code}")
        self.screenshot("backoffice-tills")
        # A new till of Uptown set up with what the QR code says, as a scanner types it into
        # its first screen: no address typed.
        till = os.path.join(self.world.folder.name, "U2")
        self.world.till(till, "init", "--enrol", ticket, "--till-code", "U2")
        self.world.till(till, "sync", "--once")
        self.driver.refresh()
        self.wait(10).until(lambda d: any(r[0] == "U2" and r[1] == "Uptown" and r[2] == "online"
                                          for r in self.rows("tills-list")))
        # The code worked once.
        with self.assertRaises(AssertionError):
            self.world.till(os.path.join(self.world.folder.name, "U3"), "init", "--server", self.world.base,
                            "--enrol", code)
        # Revoked here: its next sync is refused, and it keeps its sales.
        self.find("[data-revoke='U2']").click()
        self.driver.switch_to.alert.accept()
        self.wait(10).until(lambda d: any(r[0] == "U2" and r[2] == "revoked" for r in self.rows("tills-list")))
        with self.assertRaises(AssertionError) as refused:
            self.world.till(till, "sync", "--once")
        self.assertIn("revoked", str(refused.exception))

    def test_09_a_manager_added_here_signs_in_and_sees_their_store_alone(self):
        self.sign_in("owner@example.com", PASSWORD)
        self.wait_for_text("#person", "Owner")
        next(a for a in self.driver.find_elements(By.CSS_SELECTOR, "nav a") if a.text == "Staff").click()
        self.wait_for_text("#people", "owner@example.com")

        def add(name, email, pin):
            for css, value in (("#new-name", name), ("#new-email", email), ("#new-pin", pin)):
                self.find(css).send_keys(Keys.CONTROL + "a" + Keys.NULL, Keys.DELETE, value)
            Select(self.find("#new-role")).select_by_visible_text("Store manager")
            Select(self.find("#new-store")).select_by_visible_text("Uptown")
            self.find("#add-person").click()

        add("Quinn", "quinn@example.com", "12")
        self.wait_for_text("#add-error", "4 to 8 digits")
        add("Quinn", "quinn@example.com", "2468")
        self.wait_for_text("#people", "quinn@example.com")
        add("Quinn again", "QUINN@example.com", "1357")
        self.wait_for_text("#add-error", "signs in with this email already")
        self.find("[data-link='quinn@example.com']").click()
        link = self.find("#password-link").text
        self.screenshot("backoffice-staff")
        # Quinn, in a browser of their own, sets a password and sees Uptown alone.
        quinn = self.browser()
        quinn.get(link)
        for css in ("#new-password", "#new-password-again"):
            self.find(css, driver=quinn).send_keys("quinn's long password")
        self.find("#set-password-submit", driver=quinn).click()
        self.wait_for_text("#password-set", "Your password is set", driver=quinn)
        quinn.get(self.world.base + "/")
        self.sign_in("quinn@example.com", "quinn's long password", driver=quinn)
        self.wait_for_text("#person", "Store manager", driver=quinn)
        self.wait_for_text("#total-net", "3.49", driver=quinn)
        self.assertNotIn("Staff", self.find("nav", driver=quinn).text)
        # And the Uptown till has Quinn at its next sync, with that PIN.
        till = os.path.join(self.world.folder.name, "U1")
        self.world.till(till, "sync", "--once")
        self.assertIn("quinn@example.com", self.world.till(till, "user", "list"))

        # The owner lets Quinn manage staff accounts: Quinn's Staff page lists Uptown's
        # people, and Quinn adds a cashier of Uptown who may sell and nothing more.
        self.find("[data-edit='quinn@example.com']").click()
        self.find("[data-permission='manage_users']").click()
        self.find("#save-person").click()
        self.wait_for_text("#people", "manage staff accounts")
        quinn.refresh()
        self.wait_for_text("nav", "Staff", driver=quinn)
        next(a for a in quinn.find_elements(By.CSS_SELECTOR, "nav a") if a.text == "Staff").click()
        self.wait_for_text("#people", "quinn@example.com", driver=quinn)
        self.assertNotIn("owner@example.com", self.find("#people", driver=quinn).text)
        self.assertEqual(quinn.find_elements(By.CSS_SELECTOR, "#new-role"), [])
        for css, value in (("#new-name", "Robin"), ("#new-email", "robin@example.com"), ("#new-pin", "8642")):
            self.find(css, driver=quinn).send_keys(value)
        self.find("#add-person", driver=quinn).click()
        self.wait_for_text("#people", "robin@example.com", driver=quinn)
        # Giving Robin what Quinn may not is refused in words.
        self.find("[data-edit='robin@example.com']", driver=quinn).click()
        self.find("[data-permission='manage_settings']", driver=quinn).click()
        self.find("#save-person", driver=quinn).click()
        self.wait_for_text("#edit-error", "only permissions you hold", driver=quinn)
        robin = self.world.db.users.find_one({"email": "robin@example.com"})
        self.assertEqual((robin["role"], str(robin["store_id"])), ("cashier", self.world.uptown))
        self.assertNotIn("manage_settings", robin["permissions"])

    def test_10_stock_side_by_side_low_stock_and_a_products_movements(self):
        bread = self.world.db.products.find_one({"sku": "BREAD"})["_id"]
        self.world.api("PATCH", f"/v1/products/{bread}", {"stock_threshold": "49"})
        # Downtown's till sends milk uptown: in transit until Uptown receives it.
        d1 = os.path.join(self.world.folder.name, "D1")
        self.world.till(d1, "transfer", "send", "--user", "owner@example.com", "--pin", "4321", "--to", "Uptown",
                        "--item", "MILK:6", "--note", "for the weekend")
        self.world.till(d1, "sync", "--once")
        self.sign_in("owner@example.com", PASSWORD)
        self.wait_for_text("#person", "Owner")
        next(a for a in self.driver.find_elements(By.CSS_SELECTOR, "nav a") if a.text == "Stock").click()
        self.wait_for_text("#levels", "BREAD")
        headers = [th.text for th in self.driver.find_elements(By.CSS_SELECTOR, "#levels th")]
        self.assertEqual(headers[:4], ["SKU", "Name", "Downtown", "Uptown"])
        levels = {row[0]: row for row in self.rows("levels")}
        self.assertEqual(levels["BREAD"][2:6], ["49", "50", "49", "low"])
        self.find("#low-only").click()
        self.wait(10).until(lambda d: [r[0] for r in self.rows("levels")] == ["BREAD"])
        self.find("[data-history='BREAD']").click()
        self.wait_for_text("#movements", "sale")
        moved = self.rows("movements")
        self.assertTrue(any(r[1] == "Downtown" and r[2] == "sale" and r[3] == "-1" for r in moved), moved)
        self.wait_for_text("#transfers", "for the weekend")
        self.assertEqual([r[1:3] + r[4:] for r in self.rows("transfers")],
                         [["Downtown", "Uptown", "1", "6", "for the weekend"]])
        self.screenshot("backoffice-stock")
        # A store manager sees their store's levels alone.
        manager = self.browser()
        self.world.person("morgan@example.com", "manager", store=self.world.uptown)
        self.sign_in("morgan@example.com", PASSWORD, driver=manager)
        self.wait_for_text("#person", "Store manager", driver=manager)
        next(a for a in manager.find_elements(By.CSS_SELECTOR, "nav a") if a.text == "Stock").click()
        self.wait_for_text("#levels", "MILK", driver=manager)
        headers = [th.text for th in manager.find_elements(By.CSS_SELECTOR, "#levels th")]
        self.assertEqual(headers[:3], ["SKU", "Name", "Stock"])
        self.assertEqual(manager.find_elements(By.CSS_SELECTOR, "#orders"), [])
        # Uptown's manager sees the milk on its way to their store, and not the name of the
        # store it came from.
        self.wait_for_text("#transfers", "for the weekend", driver=manager)
        row = manager.find_element(By.CSS_SELECTOR, "#transfers tbody tr")
        self.assertEqual([c.text for c in row.find_elements(By.CSS_SELECTOR, "td")][1:3],
                         ["Another store", "Your store"])

    def open_page(self, title):
        next(a for a in self.driver.find_elements(By.CSS_SELECTOR, "nav a") if a.text == title).click()

    def test_11_customers_and_suppliers_are_found_added_and_reach_the_tills(self):
        self.sign_in("owner@example.com", PASSWORD)
        self.wait_for_text("#person", "Owner")
        self.open_page("Suppliers")
        self.find("#supplier-name").send_keys("Valley Dairy")
        self.find("#supplier-contact").send_keys("Sam Ortiz" + Keys.ENTER)
        self.wait_for_text("#suppliers", "Valley Dairy")
        # The same name in another case is the same supplier: refused in words.
        self.find("#supplier-name").send_keys("valley dairy" + Keys.ENTER)
        self.wait_for_text("#supplier-error", "already")
        self.assertEqual(self.world.db.suppliers.count_documents({"supplier_name": {"$regex": "^valley dairy$", "$options": "i"}}), 1)
        self.open_page("Customers")
        self.find("#customer-name").send_keys("Ann Lee")
        self.find("#customer-phone").send_keys("+1 555 555 0101" + Keys.ENTER)
        self.wait_for_text("#customers", "Ann Lee")
        self.find("#customer-name").send_keys("Bo Park")
        self.find("#customer-email").send_keys("bo@example.com" + Keys.ENTER)
        self.wait_for_text("#customers", "Bo Park")
        self.find("#customer-search").send_keys("555 0101")
        self.wait(10).until(lambda d: [r[0] for r in self.rows("customers")] == ["Ann Lee"])
        self.screenshot("backoffice-customers")
        # The tills take them at their next sync.
        till = os.path.join(self.world.folder.name, "D1")
        self.world.till(till, "sync", "--once")
        self.assertIn("Valley Dairy", self.world.till(till, "supplier", "list"))

    def test_12_settings_are_changed_and_the_plan_read(self):
        self.sign_in("owner@example.com", PASSWORD)
        self.wait_for_text("#person", "Owner")
        self.open_page("Settings")
        self.wait_for_text("#plan", "Premium")
        rate = self.find("#set-tax-rate")
        rate.send_keys(Keys.CONTROL + "a" + Keys.NULL, Keys.DELETE, "abc")
        self.find("#save-settings").click()
        self.wait_for_text("#settings-error", "abc")
        rate.send_keys(Keys.CONTROL + "a" + Keys.NULL, Keys.DELETE, "8.875")
        self.find("#set-return-window").send_keys(Keys.CONTROL + "a" + Keys.NULL, Keys.DELETE, "14")
        self.find("#save-settings").click()
        self.wait_for_text("#settings-saved", "Saved")
        self.screenshot("backoffice-settings")
        settings = self.world.db.businesses.find_one({"_id": ObjectId(self.world.business)})["settings"]
        self.assertEqual(settings["return_window_days"], 14)
        self.assertEqual(str(settings["default_tax_rate"]), "8.875")

    def test_13_an_admin_turns_on_a_second_factor_and_signs_in_with_a_code(self):
        self.world.person("dana@example.com", "admin")
        self.sign_in("dana@example.com", PASSWORD)
        self.wait_for_text("#person", "Admin")
        self.open_page("Account")
        self.wait_for_text("#second-factor-state", "Off")
        self.find("#second-factor-begin").click()
        secret = self.find("#second-factor-secret").text
        # The QR code gives an authenticator app the secret shown, under this business's
        # person and Sell Sync's name.
        uri = urllib.parse.urlparse(self.qr("#second-factor-qr"))
        self.assertEqual((uri.scheme, uri.netloc), ("otpauth", "totp"))
        self.assertEqual(urllib.parse.unquote(uri.path), "/Sell Sync:dana@example.com")
        self.assertEqual(urllib.parse.parse_qs(uri.query)["secret"], [secret])
        # A wrong code is refused in words; the app's code turns it on.
        self.find("#second-factor-code").send_keys("000000" + Keys.ENTER)
        self.wait_for_text("#account-error", "not the one your authenticator app shows")
        now = time.time()
        self.find("#second-factor-code").send_keys(totp(secret, now) + Keys.ENTER)
        self.wait_for_text("#account-said", "is on")
        self.wait_for_text("#second-factor-state", "On")
        self.find("#sign-out").click()

        # Signing in asks for the code after the password; a wrong one is refused in
        # words and the code is asked again; the next code signs in.
        self.sign_in("dana@example.com", PASSWORD)
        self.wait_for_text("#sign-in-asks-code", "dana@example.com")
        self.find("#sign-in-code").send_keys("123456" + Keys.ENTER)
        self.wait_for_text("#sign-in-error", "not the one your authenticator app shows")
        self.find("#sign-in-code").send_keys(totp(secret, now + 30) + Keys.ENTER)
        self.wait_for_text("#person", "Admin")
        # The secret is kept in the gateway's own collection, and shown on no page again.
        self.assertIsNotNone(self.world.db.second_factors.find_one({"secret": secret}))
        for path in ("/v1/session", "/v1/users"):
            answer = self.driver.execute_async_script(
                "const done = arguments[arguments.length - 1];"
                "fetch(arguments[0]).then(r => r.text()).then(done, e => done(String(e)));", path)
            self.assertIn("dana@example.com", answer)
            self.assertNotIn(secret, answer)
        self.world.db.person_lockouts.delete_many({})

    def test_14_a_catalogue_file_is_imported_whole_or_not_at_all(self):
        self.sign_in("owner@example.com", PASSWORD)
        self.wait_for_text("#person", "Owner")
        self.open_page("Catalogue")
        self.wait_for_text("#products", "MILK")
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)

        def upload(name, text):
            path = os.path.join(folder.name, name)
            with open(path, "w", encoding="utf-8", newline="") as file:
                file.write(text)
            # The file field is drawn as a button; the browser takes a path typed into it.
            self.driver.find_element(By.CSS_SELECTOR, "#catalogue-import").send_keys(path)

        # A file with a row that does not hold: refused in words naming the row, nothing
        # written.
        upload("bad.csv", "SKU,Name,Price\r\nJAM,Jam,4.25\r\nTEA,Tea,2.999\r\n")
        self.wait_for_text("#import-error", "Row 2 (TEA)")
        self.assertIn("Nothing was imported", self.find("#import-error").text)
        self.assertIsNone(self.world.db.products.find_one({"sku": "JAM"}))
        # A good one: a new product and a price changed, which the table shows.
        upload("good.csv", "SKU,Name,Price,Category\r\nJAM,Jam,4.25,Pantry\r\nMILK,,3.59,\r\n")
        self.wait_for_text("#catalogue-saved", "1 new, 1 changed, 0 as they were")
        self.wait_for_text("#products", "JAM")
        rows = {row[0]: row for row in self.rows("products")}
        self.assertEqual(rows["JAM"][1:4], ["Jam", "Pantry", "4.25"])
        self.assertEqual(rows["MILK"][3], "3.59")

    def test_15_a_product_of_one_store_and_a_family_of_variants_are_added(self):
        self.sign_in("owner@example.com", PASSWORD)
        self.wait_for_text("#person", "Owner")
        self.open_page("Catalogue")
        self.wait_for_text("#products", "MILK")
        # A product Uptown alone sells; a price with too many decimals refused first.
        self.find("#add-product").click()
        for css, value in (("#new-product-sku", "PIE"), ("#new-product-name", "Apple pie"),
                           ("#new-product-price", "6.505")):
            self.find(css).send_keys(value)
        Select(self.find("#new-product-store")).select_by_visible_text("Uptown alone")
        self.find("#new-product-save").click()
        self.wait_for_text("#new-product-error", "6.505")
        self.find("#new-product-price").send_keys(Keys.CONTROL + "a" + Keys.NULL, Keys.DELETE, "6.50")
        self.find("#new-product-save").click()
        self.wait_for_text("#catalogue-saved", "Apple pie is added")
        self.wait_for_text("#products", "PIE")
        rows = {row[0]: row for row in self.rows("products")}
        self.assertEqual(rows["PIE"][8], "Uptown")
        self.assertEqual(rows["MILK"][8], "Every store")
        # A family of four variants, every store's.
        self.find("#add-family").click()
        for css, value in (("#new-family-name", "Crew T-shirt"), ("#new-family-sku", "TEE"),
                           ("#new-family-price", "12.00"), ("#new-family-options", "Size M L")):
            self.find(css).send_keys(value)
        self.find("#new-family-save").click()
        self.wait_for_text("#new-family-error", "its values after a colon")
        options = self.find("#new-family-options")
        options.send_keys(Keys.CONTROL + "a" + Keys.NULL, Keys.DELETE, "Size: M, L" + Keys.ENTER + "Colour: Navy, Red")
        self.find("#new-family-save").click()
        self.wait_for_text("#catalogue-saved", "Crew T-shirt is added with 4 variants")
        self.wait_for_text("#products", "TEE-M-NAVY")
        self.find("[data-family='TEE-M-NAVY']").click()
        self.wait_for_text("#family-shown", "Crew T-shirt")
        self.wait(10).until(lambda d: sorted(r[0] for r in self.rows("products"))
                            == ["TEE-L-NAVY", "TEE-L-RED", "TEE-M-NAVY", "TEE-M-RED"])
        self.assertIn("Crew T-shirt · M / Navy", [r[9] for r in self.rows("products")])
        # The Uptown till sells the pie and the tees; the Downtown till the tees alone.
        for label, pie in (("U1", True), ("D1", False)):
            till = os.path.join(self.world.folder.name, label)
            self.world.till(till, "sync", "--once")
            self.assertIn("TEE-L-RED", self.world.till(till, "product", "find", "TEE-L-RED"))
            if pie:
                self.assertIn("PIE", self.world.till(till, "product", "find", "Apple pie"))
            else:
                with self.assertRaises(AssertionError) as missing:
                    self.world.till(till, "product", "find", "Apple pie")
                self.assertIn("no product matches", str(missing.exception))


if __name__ == "__main__":
    unittest.main()

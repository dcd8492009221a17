"""The desktop app, driven as a cashier would through WebDriver (run by tests/desktop-e2e).

Each test opens the app on a fresh till (`--data-dir`, a new folder under WORK_DIR), so
the first screen offers the demo store.
"""

import datetime
import os
import re
import shutil
import socket
import subprocess
import sqlite3
import tempfile
import time
import unittest

from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.remote.client_config import ClientConfig
from selenium.webdriver.remote.remote_connection import RemoteConnection
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.support.ui import Select, WebDriverWait

WORK_DIR = os.environ["WORK_DIR"]
SCREENSHOTS = os.environ["SCREENSHOTS"]


class SimulatedSics:
    """A Mettler Toledo scale speaking MT-SICS on a pseudo-terminal: the app opens the
    terminal's device end as a serial port; each `SI` is answered with the next of
    `replies` (the last repeats)."""

    def __init__(self, replies):
        import pty
        import threading
        import tty
        self.master, slave = pty.openpty()
        tty.setraw(slave)
        self.port = os.ttyname(slave)
        self.slave = slave
        self.replies = list(replies)
        self.commands = []
        self.running = True
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        import select
        pending = b""
        while self.running:
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if not ready:
                continue
            try:
                pending += os.read(self.master, 64)
            except OSError:
                return
            while b"\r\n" in pending:
                line, pending = pending.split(b"\r\n", 1)
                command = line.decode("ascii", "replace").strip()
                self.commands.append(command)
                reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
                os.write(self.master, (reply if command == "SI" else "ES").encode() + b"\r\n")

    def heard(self):
        return list(self.commands)

    def stop(self):
        self.running = False
        self.thread.join(timeout=2)
        os.close(self.master)
        os.close(self.slave)


class Till(unittest.TestCase):
    def setUp(self):
        self.start_app()

    def start_app(self, prepare=None):
        """Opens the app on a new data folder (empty, or as `prepare(folder)` leaves it);
        quits the one open before, if any."""
        if getattr(self, "driver", None) is not None:
            self.driver.quit()
        self.driver = None
        self.data_dir = tempfile.mkdtemp(dir=WORK_DIR)
        if prepare is not None:
            prepare(self.data_dir)
        options = ArgOptions()
        options.set_capability(
            "tauri:options", {"application": os.environ["APP"], "args": ["--data-dir", self.data_dir]}
        )
        url = os.environ["DRIVER_URL"]
        # A client timeout: an app that dies at start would leave the new session hanging.
        config = ClientConfig(remote_server_addr=url, timeout=60)
        started = time.monotonic()
        self.driver = webdriver.Remote(RemoteConnection(client_config=config), options=options)
        print(f"session started in {time.monotonic() - started:.2f} s")

    def tearDown(self):
        self.driver.quit()

    def wait(self, timeout, poll_frequency=0.5):
        """A wait that looks again when the page replaced an element while it was looked at
        (WebKitWebDriver can answer even `find_elements` with a stale element then)."""
        return WebDriverWait(
            self.driver, timeout, poll_frequency, ignored_exceptions=(StaleElementReferenceException,)
        )

    def wait_for(self, css, timeout=10):
        return self.wait(timeout).until(
            lambda d: next((e for e in d.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()), None)
        )

    def text_of(self, css, timeout=10):
        """The text of the first visible match, looked up again if the page replaced it."""
        return self.wait(timeout).until(lambda d: (self.wait_for(css, timeout).text,))[0]

    def wait_for_text(self, css, wanted, timeout=20):
        """Waits until the element's text contains `wanted`; a failure says what it showed."""
        seen = []
        try:
            self.wait(timeout).until(
                lambda d: seen.append(self.text_of(css)) or wanted in seen[-1]
            )
        except TimeoutException:
            self.fail(f"{css} never showed {wanted!r}; last {seen[-1:]!r}")

    def screenshot(self, name):
        # The DOM can change before WebKit paints it: wait two frames.
        self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "requestAnimationFrame(() => requestAnimationFrame(() => done()));"
        )
        self.driver.save_screenshot(os.path.join(SCREENSHOTS, f"{name}.png"))

    def open_demo(self):
        if not os.path.exists(os.path.join(self.data_dir, "till.sqlite3")):
            self.wait_for("#open-demo").click()
        self.wait_for(".staff-member")

    def type_pin(self, email, pin):
        self.wait_for(f'.staff-member[data-email="{email}"]').click()
        self.wait_for("#pin-display")
        for digit in pin:
            self.driver.find_element(By.CSS_SELECTOR, f'.pin-key[data-key="{digit}"]').click()
        self.wait_for("#pin-enter").click()

    def sign_in(self, email, pin):
        """Signs in and waits for the sell screen: sign-in runs off the window's thread,
        so a key pressed before it answers would reach the sign-in screen."""
        self.type_pin(email, pin)
        self.wait_for("#user-name")

    def test_1_a_wrong_pin_is_refused_in_words(self):
        self.open_demo()
        self.type_pin("cashier@example.com", "9999")
        message = self.text_of("#sign-in-error")
        self.assertIn("Wrong PIN", message)
        self.assertIn("more wrong tries lock the account", message)
        self.assertEqual(self.text_of("#pin-display").strip(), "", "the pad is cleared")
        # Four more wrong tries lock the account: then even the right PIN is refused, and
        # the staff list says so.
        # Each try is answered (off the window's thread) before the next is typed.
        for left in ["3 more", "2 more", "1 more", "This account is locked"]:
            for digit in "9999":
                self.driver.find_element(By.CSS_SELECTOR, f'.pin-key[data-key="{digit}"]').click()
            self.wait_for("#pin-enter").click()
            self.wait_for_text("#sign-in-error", left)
        for digit in "1111":
            self.driver.find_element(By.CSS_SELECTOR, f'.pin-key[data-key="{digit}"]').click()
        self.wait_for("#pin-enter").click()
        self.assertIn("This account is locked", self.text_of("#sign-in-error"))
        self.assertFalse(self.driver.find_elements(By.CSS_SELECTOR, "#user-name"))
        self.body(Keys.ESCAPE)
        self.assertIn("locked", self.text_of('.staff-member[data-email="cashier@example.com"]'))

    def test_2_a_cashier_scans_three_items_and_pays_cash(self):
        self.open_demo()
        self.type_pin("cashier@example.com", "1111")
        self.assertIn("Priya Shah", self.text_of("#user-name"))
        scan = self.wait_for("#scan")
        self.assertEqual(self.driver.switch_to.active_element, scan, "the scan field has the focus")
        for code in ["2000024333427", "PRO-001", "DAI-001"]:
            scan.send_keys(code + Keys.ENTER)
            self.wait(5).until(
                lambda d, n=code: len(d.find_elements(By.CSS_SELECTOR, "#cart tr.line"))
                >= ["2000024333427", "PRO-001", "DAI-001"].index(n) + 1
            )
        scan.send_keys("no-such-code" + Keys.ENTER)
        self.assertIn("No product has the barcode or SKU", self.text_of("#sell-error"))
        self.assertEqual(len(self.driver.find_elements(By.CSS_SELECTOR, "#cart tr.line")), 3)
        total = self.text_of("#total")
        self.assertEqual(total, "8.78")  # 3.49 + 8.875% tax, 0.69 and 4.29 untaxed
        self.screenshot("sell")

        self.driver.find_element(By.TAG_NAME, "body").send_keys(Keys.F2)
        tendered = self.wait_for("#tendered")
        self.screenshot("pay")
        tendered.send_keys("20" + Keys.ENTER)
        self.assertEqual(self.text_of("#change"), "11.22")
        self.assertIn("T1-000001", self.text_of("#sale-done"))
        self.screenshot("sale-done")

        with sqlite3.connect(os.path.join(self.data_dir, "till.sqlite3")) as db:
            row = db.execute(
                "SELECT sale_number, total_amount, amount_tendered, change_due,"
                " (SELECT COUNT(*) FROM sale_items WHERE transaction_id = s._id)"
                " FROM sales_transactions s"
            ).fetchall()
        self.assertEqual(row, [("T1-000001", 878, 2000, 1122, 3)])
        self.assertIn("waiting to sync", self.text_of("#status-pending"))

        self.driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ENTER)
        self.wait_for("#scan")
        self.assertEqual(len(self.driver.find_elements(By.CSS_SELECTOR, "#cart tr.line")), 0)

    def adjust(self, sku, delta, reason):
        filter_field = self.wait_for("#stock-filter")
        filter_field.clear()
        filter_field.send_keys(sku)
        row = self.wait_for(f'tr.product[data-sku="{sku}"]')
        row.find_element(By.CSS_SELECTOR, ".adjust-button").click()
        form = self.wait_for(f'tr.adjust-row[data-sku="{sku}"]')
        # A signed number is a change; a number alone, what was counted.
        form.find_element(By.CSS_SELECTOR, ".delta").send_keys(delta if isinstance(delta, str) else f"{delta:+d}")
        form.find_element(By.CSS_SELECTOR, ".reason").send_keys(reason)
        form.find_element(By.CSS_SELECTOR, ".save").click()

    def stock_of(self, sku):
        row = self.wait_for(f'tr.product[data-sku="{sku}"]')
        return int(row.find_element(By.CSS_SELECTOR, ".stock-count").text)

    def test_3_a_cashier_looks_stock_up_but_is_offered_no_correction(self):
        self.open_demo()
        self.sign_in("cashier@example.com", "1111")
        self.wait_for("#nav-stock").click()
        self.assertGreater(self.stock_of("DAI-001"), 0)
        for button in ("#new-product", ".adjust-button", ".edit-button"):
            self.assertFalse(self.driver.find_elements(By.CSS_SELECTOR, button), button)

    def test_4_a_manager_corrects_stock_and_the_low_stock_notification_appears(self):
        self.open_demo()
        self.sign_in("manager@example.com", "2345")
        self.driver.find_element(By.TAG_NAME, "body").send_keys(Keys.F3)
        before = self.stock_of("DAI-001")
        threshold = int(self.text_of('tr.product[data-sku="DAI-001"] td.threshold'))
        self.adjust("DAI-001", threshold - before, "recount")
        self.assertIn(f"now {threshold} in stock", self.text_of("#stock-saved"))
        self.assertEqual(self.stock_of("DAI-001"), threshold)
        self.wait_for("#stock-filter").clear()
        self.wait_for("#low-only").click()
        self.wait(5).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, 'tr.product[data-sku="DAI-001"]')
            and len(d.find_elements(By.CSS_SELECTOR, "tr.product")) < 100
        )
        self.screenshot("stock")
        self.assertGreaterEqual(int(self.text_of("#unread")), 1)
        self.wait_for("#nav-notifications").click()
        notes = self.text_of("#notifications")
        self.assertIn(f"is down to {threshold}", notes)
        self.assertIn("Low stock: Whole Milk 1 gal, Store Brand", notes)
        self.wait_for("#mark-read").click()
        self.wait(5).until(lambda d: not d.find_elements(By.CSS_SELECTOR, "#unread"))
        self.wait(5).until(lambda d: not d.find_elements(By.CSS_SELECTOR, "#notifications li.unread"))
        self.assertIn(f"is down to {threshold}", self.text_of("#notifications"), "read, still listed")

        # A new product: a price that is not an amount is refused in words, then it is
        # added, edited, and sells at its new price.
        self.body(Keys.F3)
        self.wait_for("#new-product").click()
        for field, value in [("sku", "TEA-1"), ("name", "Sencha 100 g"), ("price", "seven"),
                             ("barcode", "4006381333931"), ("category", "Tea"), ("stock", "12")]:
            element = self.wait_for(f"#product-{field}")
            element.clear()
            element.send_keys(value)
        self.wait_for("#product-save").click()
        self.assertIn('"seven" is not an amount', self.text_of("#product-error"))
        price = self.wait_for("#product-price")
        price.clear()
        price.send_keys("7.50" + Keys.ENTER)
        self.assertIn("Sencha 100 g saved", self.text_of("#stock-saved"))
        self.wait_for("#stock-filter").send_keys("TEA-1")
        self.assertEqual(self.stock_of("TEA-1"), 12)
        self.wait_for('tr.product[data-sku="TEA-1"] .edit-button').click()
        self.wait(5).until(
            lambda d: self.wait_for("#product-price").get_attribute("value") == "7.50"
        )
        price = self.wait_for("#product-price")
        price.clear()
        price.send_keys("7.95" + Keys.ENTER)
        self.assertIn("Sencha 100 g saved", self.text_of("#stock-saved"))
        self.body(Keys.F1)
        self.wait_for("#scan").send_keys("4006381333931" + Keys.ENTER)
        line = self.wait_for('#cart tr.line[data-sku="TEA-1"]')
        self.assertEqual(line.find_elements(By.CSS_SELECTOR, "td.num")[0].text, "7.95")
        self.assertEqual(self.text_of("#total"), "8.66")  # the store's default tax, 8.875%

    def body(self, *keys):
        self.driver.find_element(By.TAG_NAME, "body").send_keys(*keys)

    def lines(self):
        return self.driver.find_elements(By.CSS_SELECTOR, "#cart tr.line")

    def test_5_a_cashier_searches_uses_quick_keys_discounts_and_splits_the_payment(self):
        self.open_demo()
        self.type_pin("cashier@example.com", "1111")
        scan = self.wait_for("#scan")
        # A name typed into the scan field shows matches; arrow down and Enter adds one.
        scan.send_keys("whole milk")
        first = self.wait_for("#search-results .result").get_attribute("data-sku")
        scan.send_keys(Keys.ARROW_DOWN + Keys.ENTER)
        self.wait_for(f'#cart tr.line[data-sku="{first}"]')
        # A quick key of another category, then + for one more of it.
        next(b for b in self.driver.find_elements(By.CSS_SELECTOR, "#quick-keys .category")
             if b.text == "Produce").click()
        key = self.wait(5).until(
            lambda d: next((k for k in d.find_elements(By.CSS_SELECTOR, "#quick-keys .quick-key")
                            if k.get_attribute("data-sku").startswith("PRO-")), None)
        )
        produce = key.get_attribute("data-sku")
        key.click()
        self.wait(5).until(lambda d: len(self.lines()) == 2)
        self.assertEqual(self.driver.switch_to.active_element, scan, "the scan field keeps the focus")
        scan.send_keys("+")
        self.wait(5).until(
            lambda d: self.wait_for(f'#cart tr.line[data-sku="{produce}"] .quantity').text == "2"
        )

        # A discount over the cashier's limit is refused and leaves the sale as it was.
        before = self.text_of("#total")
        self.body(Keys.F6)
        self.wait_for("#discount-amount").send_keys("50%" + Keys.ENTER)
        self.assertIn("A cashier may give at most 10% discount", self.text_of("#sell-error"))
        self.assertEqual(self.text_of("#total"), before)
        field = self.wait_for("#discount-amount")
        field.clear()
        field.send_keys("5%" + Keys.ENTER)
        self.wait_for("#discount")
        self.assertNotEqual(self.text_of("#total"), before)

        # The customer, found by phone.
        self.body(Keys.F5)
        self.wait_for("#customer-contact").send_keys("+1 987 654 3210" + Keys.ENTER)
        self.assertIn("Alice Johnson", self.text_of("#cart-customer"))
        self.screenshot("sell-customer")

        # 5.00 on the card, then the rest in cash.
        # The method the next amount goes to is the one lit: cash first, then the card.
        self.body(Keys.F2)
        self.wait_for('#pay-dialog .method.active[data-method="Cash"]')
        self.wait_for('#pay-dialog .method[data-method="Credit Card"]').click()
        self.wait_for('#pay-dialog .method.active[data-method="Credit Card"]')
        self.assertEqual(len(self.driver.find_elements(By.CSS_SELECTOR, "#pay-dialog .method.active")), 1)
        self.wait_for("#tendered").send_keys("5" + Keys.ENTER)
        self.assertIn("Still to pay", self.text_of("#pay-dialog h2"))
        self.assertIn("Credit Card $5.00", self.text_of("#tenders"))
        self.screenshot("pay-split")
        self.wait_for('#pay-dialog .method[data-method="Cash"]').click()
        self.wait_for("#tendered").send_keys(Keys.ENTER)
        self.assertIn("T1-000001", self.text_of("#sale-done"))

        with sqlite3.connect(os.path.join(self.data_dir, "till.sqlite3")) as db:
            sale = db.execute(
                "SELECT s.discount_total > 0, c.name, s.payment_method, s.total_amount,"
                " (SELECT SUM(amount) FROM sale_payments WHERE transaction_id = s._id),"
                " (SELECT group_concat(method_name, '+') FROM sale_payments WHERE transaction_id = s._id)"
                " FROM sales_transactions s JOIN customers c ON c._id = s.customer_id"
            ).fetchall()
        self.assertEqual(len(sale), 1)
        discounted, customer, method, total, paid, methods = sale[0]
        self.assertEqual((discounted, customer, method, methods), (1, "Alice Johnson", "Split", "Credit Card+Cash"))
        self.assertEqual(paid, total)

    def test_6_a_cashier_sees_only_the_screens_a_cashier_may_use(self):
        self.open_demo()
        self.sign_in("cashier@example.com", "1111")
        shown = [b.get_attribute("id") for b in self.driver.find_elements(By.CSS_SELECTOR, "header nav button")]
        self.assertEqual(shown, ["nav-sell", "nav-returns", "nav-stock", "nav-notifications", "nav-shift"])
        self.body(Keys.F9)
        self.assertFalse(self.driver.find_elements(By.CSS_SELECTOR, "#mongodb-uri"), "no way to the settings")
        self.wait_for("#scan")
        self.assertFalse(os.path.exists(os.path.join(self.data_dir, "sync.toml")))
        self.assertIn("no central database", self.text_of("#status-sync"))
        self.wait_for("#sign-out").click()
        self.sign_in("manager@example.com", "2345")
        shown = [b.get_attribute("id") for b in self.driver.find_elements(By.CSS_SELECTOR, "header nav button")]
        self.assertIn("nav-reports", shown)
        self.assertIn("nav-settings", shown, "a manager sets up sync")
        self.wait_for("#nav-settings").click()
        self.wait_for("#mongodb-uri")
        self.wait_for_text("#printer-now", "An administrator changes it")
        self.assertFalse(self.driver.find_elements(By.CSS_SELECTOR, "#printer-save"), "the printer is an admin's")

    @unittest.skipUnless(os.environ.get("SELLSYNC_TEST_MONGODB_URI"), "needs the test MongoDB server")
    def save_central(self, uri, database):
        self.body(Keys.F9)
        field = self.wait_for("#mongodb-uri")
        field.clear()
        field.send_keys(uri)
        field = self.wait_for("#mongodb-database")
        field.clear()
        field.send_keys(database)
        self.wait_for("#sync-save").click()
        self.assertIn("syncs with it now", self.text_of("#settings-saved"))

    def waiting(self):
        return int(self.text_of("#status-pending").split()[0])

    def test_7_the_status_bar_follows_sync_when_a_manager_sets_up_the_central_database(self):
        self.open_demo()
        self.sign_in("manager@example.com", "2345")
        # A central database that does not answer: the till says it is offline and sells on.
        database = f"desktop_{int(time.time() * 1000)}"
        nowhere = f"mongodb://127.0.0.1:{free_port()}/?directConnection=true&serverSelectionTimeoutMS=300"
        self.save_central(nowhere, database)
        self.wait(15).until(lambda d: "Offline · retrying" in self.text_of("#status-sync"))
        before = self.waiting()
        self.body(Keys.F1)
        scan = self.wait_for("#scan")
        scan.send_keys("PRO-001" + Keys.ENTER)
        self.wait_for("#cart tr.line")
        self.body(Keys.F2)
        self.wait_for("#tendered").send_keys(Keys.ENTER)
        self.wait_for("#sale-done")
        self.wait(5).until(lambda d: self.waiting() > before)
        self.assertIn("Offline · retrying", self.text_of("#status-sync"))
        self.screenshot("offline")

        self.body(Keys.ENTER)
        self.save_central(os.environ["SELLSYNC_TEST_MONGODB_URI"], database)
        # The engine runs in the background; the status bar hears of it without asking.
        self.wait(30).until(
            lambda d: self.text_of("#status-pending") == "0 waiting to sync"
            and self.text_of("#status-sync").startswith("Online")
        )
        with sqlite3.connect(os.path.join(self.data_dir, "till.sqlite3")) as db:
            states = dict(db.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state").fetchall())
        self.assertEqual(set(states), {"delivered"}, states)

        from pymongo import MongoClient

        with MongoClient(os.environ["SELLSYNC_TEST_MONGODB_URI"]) as client:
            sales = list(client[database]["sales_transactions"].find({}, {"sale_number": 1}))
        self.assertEqual([s["sale_number"] for s in sales], ["T1-000001"])

        # A second till of the same store, set up from the central database on the first
        # screen: its staff sign in with the PINs they have.
        with MongoClient(os.environ["SELLSYNC_TEST_MONGODB_URI"]) as client:
            store_id = str(client[database]["stores"].find_one()["_id"])
        self.start_app()
        self.wait_for("#start-provision").click()
        self.wait_for("#provision-uri").send_keys(os.environ["SELLSYNC_TEST_MONGODB_URI"])
        self.wait_for("#provision-database").send_keys(database)
        self.wait_for("#provision-store").send_keys("not-a-store-id" + Keys.ENTER)
        self.assertIn("not-a-store-id", self.text_of("#app-error"))
        store = self.wait_for("#provision-store")
        store.clear()
        store.send_keys(store_id + Keys.ENTER)
        self.type_pin("cashier@example.com", "1111")
        self.assertIn("Priya Shah", self.text_of("#user-name"))
        self.wait(30).until(lambda d: self.text_of("#status-sync").startswith("Online"))
        self.assertTrue(os.path.exists(os.path.join(self.data_dir, "sync.toml")))

    def test_8_a_printer_that_cannot_be_reached_is_shown_and_the_sale_stands(self):
        self.open_demo()
        self.sign_in("admin@example.com", "1234")
        self.body(Keys.F9)
        printer = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
        self.wait_for("#printer-connection").send_keys(printer)
        self.wait_for("#printer-save").click()
        self.assertIn("The printer is saved", self.text_of("#settings-saved"))
        self.assertIn(f"Printer ready ({printer})", self.text_of("#status-printer"))
        self.screenshot("settings")

        # A cash sale: saved, and the receipt fails in the background and says so.
        self.body(Keys.F1)
        self.wait_for("#scan").send_keys("PRO-001" + Keys.ENTER)
        self.wait_for("#cart tr.line")
        self.body(Keys.F2)
        self.wait_for("#tendered").send_keys("5" + Keys.ENTER)
        self.assertIn("T1-000001", self.text_of("#sale-done"))
        self.wait_for_text("#status-printer", "the receipt of sale T1-000001 did not print: cannot reach")
        self.wait_for("#reprint").click()
        self.assertIn("A copy of the receipt of T1-000001", self.text_of("#sale-done"))
        self.wait_for_text("#status-printer", "the copy of the receipt of sale T1-000001 did not print")
        self.body(Keys.ENTER)
        self.wait_for("#nav-notifications").click()
        self.assertIn("T1-000001", self.text_of("#notifications"))
        with sqlite3.connect(os.path.join(self.data_dir, "till.sqlite3")) as db:
            jobs = db.execute("SELECT kind, copy, status FROM print_jobs ORDER BY id").fetchall()
            sales = db.execute("SELECT COUNT(*) FROM sales_transactions").fetchone()[0]
        self.assertEqual(jobs, [("receipt", 0, "failed"), ("receipt", 1, "failed")])
        self.assertEqual(sales, 1)

    def test_9_a_database_that_is_not_a_till_is_shown_and_left_alone(self):
        def foreign(folder):
            with sqlite3.connect(os.path.join(folder, "till.sqlite3")) as db:
                db.execute("CREATE TABLE recipes (name TEXT)")
                db.execute("INSERT INTO recipes VALUES ('soup')")

        self.start_app(foreign)
        self.assertIn("is not a Sell Sync till database", self.text_of("#open-problem"))
        self.assertFalse(self.driver.find_elements(By.CSS_SELECTOR, "#open-demo"))
        with sqlite3.connect(os.path.join(self.data_dir, "till.sqlite3")) as db:
            tables = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        self.assertEqual(tables, [("recipes",)])

    def test_10_a_new_customer_is_saved_with_the_sale(self):
        self.open_demo()
        self.type_pin("cashier@example.com", "1111")
        self.wait_for("#scan").send_keys("PRO-001" + Keys.ENTER)
        self.wait_for("#cart tr.line")
        self.body(Keys.F5)
        self.wait_for("#customer-contact").send_keys("12")
        self.wait_for("#customer-new").click()
        self.wait_for("#new-customer-name").send_keys("Noor Haddad" + Keys.ENTER)
        self.assertIn('"12" is not a phone number', self.text_of("#customer-error"))
        phone = self.wait_for("#new-customer-phone")
        phone.clear()
        phone.send_keys("+1 555 010 2030" + Keys.ENTER)
        self.assertIn("Noor Haddad", self.text_of("#cart-customer"))
        self.assertIn("new customer", self.text_of("#cart-customer"))
        with sqlite3.connect(os.path.join(self.data_dir, "till.sqlite3")) as db:
            self.assertEqual(db.execute("SELECT COUNT(*) FROM customers WHERE name = 'Noor Haddad'").fetchone()[0], 0,
                             "not saved before the sale")
        self.body(Keys.F2)
        self.wait_for("#tendered").send_keys(Keys.ENTER)
        self.wait_for("#sale-done")
        with sqlite3.connect(os.path.join(self.data_dir, "till.sqlite3")) as db:
            row = db.execute(
                "SELECT c.name, c.phone FROM sales_transactions s"
                " JOIN customers c ON c._id = s.customer_id"
            ).fetchall()
        self.assertEqual(len(row), 1)
        self.assertEqual(row[0], ("Noor Haddad", "+1 555 010 2030"))

    def test_11_a_blind_count_off_is_counted_again_then_approved_and_the_next_shift_opens(self):
        self.open_demo()
        self.sign_in("manager@example.com", "2345")
        self.wait_for("#nav-shift").click()
        self.assertIn("float 100.00", self.text_of("#shift-since"))
        self.wait_for("#cash-amount").send_keys("20")
        self.wait_for("#cash-reason").send_keys("Safe drop")
        self.wait_for("#cash-out").click()
        self.wait_for_text("#x-report", "Cash out")
        self.assertIn("80.00", self.text_of("#x-report"), "expected cash after the drop")
        self.screenshot("shift-x-report")
        self.wait_for("#sign-out").click()

        # The cashier counts blind: 15.00 short is counted again, without a figure shown;
        # the recount, 12.00 short, needs a manager.
        self.sign_in("cashier@example.com", "1111")
        self.wait_for("#nav-shift").click()
        self.assertFalse(self.driver.find_elements(By.CSS_SELECTOR, "#x-report"),
                         "the expected cash is not the cashier's to see")
        self.wait_for("#shift-counted").send_keys("20x3,5x1" + Keys.ENTER)
        self.wait_for_text("#close-error", "Count the drawer again")
        page = self.text_of("body")
        self.assertNotIn("80.00", page)
        self.assertNotIn("15.00", page)
        counted = self.wait_for("#shift-counted")
        self.assertEqual(counted.get_attribute("value"), "", "a recount starts afresh")
        self.assertEqual(self.driver.switch_to.active_element, counted, "and has the focus")
        self.screenshot("shift-count-again")
        counted.send_keys("20x3,5x1,1x3" + Keys.ENTER)
        self.wait_for_text("#close-error", "A manager must approve this")
        self.assertNotIn("80.00", self.text_of("body"))
        self.wait_for("#approve-email").send_keys("manager@example.com")
        self.wait_for("#approve-pin").send_keys("2345")
        self.wait_for("#shift-close").click()
        self.wait_for_text("#z-report", "Z report 1")
        report = self.text_of("#z-report")
        self.assertIn("Count 1 by Priya Shah", report)
        self.assertIn("65.00", report)
        self.assertIn("Short", report)
        self.assertIn("-12.00", report)
        self.screenshot("shift-z-report")
        # Printing a Z report is for those who may see reports: the cashier has no button.
        self.assertFalse(self.driver.find_elements(By.CSS_SELECTOR, "#z-print"))
        with sqlite3.connect(os.path.join(self.data_dir, "till.sqlite3")) as db:
            self.assertEqual(db.execute("SELECT z_number, status FROM shifts WHERE z_number IS NOT NULL").fetchall(),
                             [(1, "closed")])

        # Signing in where no shift is open leads to opening one.
        self.wait_for("#sign-out").click()
        self.sign_in("cashier@example.com", "1111")
        self.wait_for("#open-shift")
        self.assertIn("open the shift before selling", self.text_of("#open-hint"))

        # No shift: a sale is refused and says where to open one; then it sells again.
        self.wait_for("#nav-sell").click()
        self.wait_for("#scan").send_keys("PRO-001" + Keys.ENTER)
        self.wait_for("#cart tr.line")
        self.body(Keys.F2)
        self.wait_for("#tendered").send_keys(Keys.ENTER)
        self.wait_for_text("#pay-error", "Open it on the Shift screen")
        self.body(Keys.ESCAPE)
        self.assertIn("No shift is open at this till", self.text_of("#no-shift"))
        self.wait_for("#nav-shift").click()
        self.wait_for("#shift-float").send_keys("100" + Keys.ENTER)
        self.wait_for("#scan")  # the shift open, back to selling
        self.assertFalse(self.driver.find_elements(By.CSS_SELECTOR, "#no-shift"))
        self.body(Keys.F2)
        self.wait_for("#tendered").send_keys(Keys.ENTER)
        self.wait_for("#sale-done")

        # A manager counting off is asked to count again too, then closes on their own word.
        self.body(Keys.ENTER)
        self.wait_for("#sign-out").click()
        self.sign_in("manager@example.com", "2345")
        self.wait_for("#nav-shift").click()
        self.wait_for("#shift-counted").send_keys("1" + Keys.ENTER)
        self.wait_for_text("#close-error", "Count the drawer again")
        self.wait_for("#shift-counted").send_keys("1" + Keys.ENTER)
        self.wait_for_text("#z-report", "Z report 2")
        # The manager may print it; with no printer the refusal says so.
        self.wait_for("#z-print").click()
        self.wait_for_text("#z-error", "no receipt printer")

    def test_12_a_parked_sale_waits_over_a_restart_is_taken_up_and_a_close_asks_about_another(self):
        self.open_demo()
        self.sign_in("cashier@example.com", "1111")
        for code in ("PRO-001", "PRO-001", "PRO-002"):
            self.wait_for("#scan").send_keys(code + Keys.ENTER)
        self.wait_for_text("#items", "3")
        self.body(Keys.F11)
        self.wait_for("#park-note").send_keys("red coat, back in 5" + Keys.ENTER)
        self.wait_for_text("#sell-notice", "Parked as T1-P000001")
        self.assertEqual(self.lines(), [], "the counter starts an empty cart")
        # The next customer is served meanwhile.
        self.wait_for("#scan").send_keys("PRO-002" + Keys.ENTER)
        self.wait_for("#cart tr.line")
        self.body(Keys.F2)
        self.wait_for("#tendered").send_keys(Keys.ENTER)
        self.wait_for("#sale-done")
        self.body(Keys.ENTER)

        # The app is closed and opened again on the same till: the parked sale waits.
        before = self.data_dir
        self.driver.quit()
        self.driver = None
        self.start_app(lambda folder: shutil.copytree(before, folder, dirs_exist_ok=True))
        self.open_demo()
        self.sign_in("cashier@example.com", "1111")
        self.wait_for("#parked-button").click()
        self.wait_for_text('#parked-dialog .parked[data-number="T1-P000001"]', "red coat, back in 5")
        self.assertIn("3 item(s)", self.text_of('#parked-dialog .parked[data-number="T1-P000001"]'))
        self.screenshot("desktop-parked-sales")
        self.wait_for('#parked-dialog .parked[data-number="T1-P000001"] .resume').click()
        self.wait_for_text("#taken-up", "T1-P000001")
        self.assertEqual(len(self.lines()), 2)
        self.assertEqual(self.text_of("#total"), "2.47")
        self.body(Keys.F2)
        self.wait_for("#tendered").send_keys(Keys.ENTER)
        self.wait_for("#sale-done")
        self.body(Keys.ENTER)
        with sqlite3.connect(os.path.join(self.data_dir, "till.sqlite3")) as db:
            self.assertEqual(db.execute("SELECT status FROM parked_sales").fetchall(), [("completed",)])
            self.assertEqual(
                db.execute("SELECT COUNT(*) FROM sales_transactions WHERE parked_sale_id IS NOT NULL").fetchone(),
                (1,))

        # Another parked sale: the close asks, and keeps it parked when told to.
        self.wait_for("#scan").send_keys("PRO-001" + Keys.ENTER)
        self.wait_for("#cart tr.line")
        self.wait_for("#park-button").click()
        self.wait_for("#park-note").send_keys("blue hat" + Keys.ENTER)
        self.wait_for_text("#sell-notice", "Parked as T1-P000002")
        self.wait_for("#nav-shift").click()
        self.wait_for("#shift-counted").send_keys("100" + Keys.ENTER)
        self.wait_for_text("#close-error", "1 parked sale(s) still wait at this till")
        self.wait_for("#shift-close-keep-parked").click()
        self.wait_for_text("#z-report", "Z report 1")
        with sqlite3.connect(os.path.join(self.data_dir, "till.sqlite3")) as db:
            self.assertEqual(db.execute("SELECT park_number, status FROM parked_sales WHERE status = 'parked'").fetchall(),
                             [("T1-P000002", "parked")])

    def sell_to_alice(self, *codes):
        for code in codes:
            self.wait_for("#scan").send_keys(code + Keys.ENTER)
        self.wait_for_text("#items", str(len(codes)))
        self.body(Keys.F5)
        self.wait_for("#customer-contact").send_keys("+1 987 654 3210" + Keys.ENTER)
        self.wait_for_text("#cart-customer", "Alice Johnson")
        self.body(Keys.F2)

    def test_13_a_customer_spends_loyalty_points_at_the_pay_dialog(self):
        self.open_demo()
        self.sign_in("cashier@example.com", "1111")
        # 4 x 6.29 = 25.16 earns Alice 25 points (1 per whole unit).
        self.sell_to_alice("DAI-002", "DAI-002", "DAI-002", "DAI-002")
        self.wait_for("#tendered").send_keys(Keys.ENTER)
        self.wait_for("#sale-done")
        self.body(Keys.ENTER)

        self.sell_to_alice("PRO-001")
        points = self.wait_for("#redeem-points")
        self.assertIn("of 25", points.get_attribute("placeholder"))
        points.send_keys("30" + Keys.ENTER)
        self.wait_for_text("#pay-error", "The customer has 25 loyalty points; 30 cannot be redeemed.")
        points.clear()
        points.send_keys("20" + Keys.ENTER)
        self.wait_for_text("#points-spent", "20 points: −$0.20")
        self.wait_for_text("#pay-dialog h2", "Pay $0.49")
        self.screenshot("desktop-pay-points")
        self.wait_for("#tendered").send_keys(Keys.ENTER)
        self.wait_for("#sale-done")
        with sqlite3.connect(os.path.join(self.data_dir, "till.sqlite3")) as db:
            paid = db.execute(
                "SELECT p.method_name, p.amount FROM sale_payments p"
                " JOIN sales_transactions s ON s._id = p.transaction_id"
                " WHERE s.sale_number = 'T1-000002' ORDER BY p.line_no").fetchall()
            self.assertEqual(paid, [("Loyalty points", 20), ("Cash", 49)])
            left = db.execute("SELECT loyalty_points FROM customers WHERE name = 'Alice Johnson'").fetchone()
            self.assertEqual(left, (5,), "25 earned, 20 spent, none on 0.49")

    def test_14_a_manager_sees_the_day_by_hour_in_a_chart_and_exports_top_products(self):
        self.open_demo()
        self.sign_in("cashier@example.com", "1111")
        self.assertFalse(self.driver.find_elements(By.CSS_SELECTOR, "#nav-reports"), "a manager's screen")
        for codes in (("DAI-002", "DAI-002", "PRO-001"), ("PRO-002",)):
            self.wait_for("#nav-sell").click()
            for code in codes:
                self.wait_for("#scan").send_keys(code + Keys.ENTER)
            self.wait_for_text("#items", str(len(codes)))
            self.body(Keys.F2)
            self.wait_for("#tendered").send_keys(Keys.ENTER)
            self.wait_for("#sale-done")
            self.body(Keys.ENTER)
        self.wait_for("#sign-out").click()

        self.sign_in("manager@example.com", "2345")
        self.wait_for("#nav-reports").click()
        # 12.58 + 0.69 + 1.09, none taxed.
        self.wait_for_text("#report-title", "net 14.36")
        self.wait_for("#report-chart rect.bar")
        self.screenshot("desktop-reports")
        self.wait_for("#report-product").click()
        self.wait_for_text("#report-rows", "Whole Milk 1 gal, Organic (DAI-002)")
        first = self.driver.find_elements(By.CSS_SELECTOR, "#report-rows .report-row")[0]
        self.assertIn("DAI-002", first.text, "the top seller comes first")
        self.assertIn("12.58", first.text)
        # The Save dialog asks where: cancelled, nothing is written; then saved where typed.
        self.wait_for("#report-export").click()
        self.answer_save_dialog("Save the report", None)
        self.wait_for_text("#report-notice", "Not saved.")
        self.assertFalse(os.path.exists(os.path.join(self.data_dir, "reports")))
        self.wait_for("#report-export").click()
        path = os.path.join(self.data_dir, "top products")
        self.answer_save_dialog("Save the report", path)
        self.wait_for_text("#report-notice", f"Saved as {path}.csv")
        with open(path + ".csv", encoding="utf-8") as f:
            lines = f.read().splitlines()
        self.assertEqual(lines[0], "product,sales,quantity,amount,returned_quantity,returned,net")
        self.assertEqual(lines[1], '"Whole Milk 1 gal, Organic (DAI-002)",1,2,12.58,0,0.00,12.58')
        self.assertEqual(len(lines), 4)
        self.wait_for("#report-date").send_keys("yesterday" + Keys.ENTER)
        self.wait_for_text("#report-error", "is not a date")

    def answer_save_dialog(self, title, path):
        """Answers the system's Save dialog, a window of its own beside the app's, as a
        person would: types where to save and presses Enter, or presses Escape (`None`)."""
        def xdotool(*args):
            return subprocess.run(["xdotool", *args], check=True, capture_output=True, text=True, timeout=30).stdout
        window = xdotool("search", "--sync", "--onlyvisible", "--name", title).split()[0]
        xdotool("windowfocus", "--sync", window)
        time.sleep(0.3)  # the dialog's name field takes the keyboard once it is drawn
        if path is None:
            xdotool("key", "--clearmodifiers", "Escape")
            return
        xdotool("key", "--clearmodifiers", "ctrl+a")
        xdotool("type", "--delay", "15", path)
        xdotool("key", "--clearmodifiers", "Return")

    def pay_cash(self, *codes):
        self.wait_for("#nav-sell").click()
        for code in codes:
            self.wait_for("#scan").send_keys(code + Keys.ENTER)
        self.wait_for_text("#items", str(len(codes)))
        self.body(Keys.F2)
        self.wait_for("#tendered").send_keys(Keys.ENTER)
        self.wait_for("#sale-done")
        self.body(Keys.ENTER)

    def return_line(self, sku):
        return self.wait_for(f'#return-sale .return-line[data-sku="{sku}"]')

    def test_15_a_return_by_scanning_the_receipt_and_a_void_with_a_managers_pin(self):
        self.open_demo()
        self.sign_in("cashier@example.com", "1111")
        self.pay_cash("DAI-002", "DAI-002", "DAI-002", "PRO-001")
        with sqlite3.connect(os.path.join(self.data_dir, "till.sqlite3")) as db:
            (sale_id,) = db.execute("SELECT _id FROM sales_transactions WHERE sale_number = 'T1-000001'").fetchone()
            (milk,) = db.execute("SELECT stock FROM products WHERE sku = 'DAI-002'").fetchone()

        # The scanner reads the receipt's QR code (the sale's id) into the field.
        self.wait_for("#nav-returns").click()
        self.wait_for("#return-code").send_keys(sale_id + Keys.ENTER)
        self.wait_for_text("#return-sale", "Sale T1-000001")
        self.wait_for("#return-void")
        self.return_line("DAI-002").find_element(By.CSS_SELECTOR, ".return-quantity").send_keys("1")
        pro = self.return_line("PRO-001")
        pro.find_element(By.CSS_SELECTOR, ".return-quantity").send_keys("1")
        pro.find_element(By.CSS_SELECTOR, ".return-damaged").click()
        # 6.29 + 0.69, back to the cash it was paid with.
        self.wait_for_text("#return-total", "$6.98")
        self.assertIn("Cash 6.98", self.text_of("#return-preview"))
        self.wait_for("#return-confirm").click()
        self.wait_for_text("#return-error", "Say why the items come back")
        self.wait_for("#return-reason").send_keys("Changed mind")
        self.screenshot("desktop-return")
        self.wait_for("#return-confirm").click()
        self.wait_for_text("#return-done", "Return T1-R000001: $6.98 back")
        self.assertIn("Give the customer $6.98 from the drawer", self.text_of("#return-cash"))
        with sqlite3.connect(os.path.join(self.data_dir, "till.sqlite3")) as db:
            items = db.execute(
                "SELECT i.sku, i.quantity, i.damaged, i.total_price FROM sale_items i"
                " JOIN sales_transactions r ON r._id = i.transaction_id"
                " WHERE r.original_transaction_id = ? ORDER BY i.sku", (sale_id,)).fetchall()
            # Quantities are kept in thousandths of their unit.
            self.assertEqual(items, [("DAI-002", 1000, 0, 629), ("PRO-001", 1000, 1, 69)])
            self.assertEqual(db.execute("SELECT stock FROM products WHERE sku = 'DAI-002'").fetchone(), (milk + 1000,),
                             "the milk is back on the shelf; the damaged item is written off")

        # The receipt's barcode (the sale's number) finds it again, with what is left.
        self.wait_for("#return-code").send_keys("T1-000001" + Keys.ENTER)
        self.wait_for_text("#return-sale", "Returned before: T1-R000001")
        self.assertFalse(self.driver.find_elements(By.CSS_SELECTOR, "#return-void"),
                         "something of it came back: no void, only returns")
        self.return_line("DAI-002").find_element(By.CSS_SELECTOR, ".return-quantity").send_keys("3")
        self.wait_for_text("#return-error", "3 × Whole Milk 1 gal, Organic cannot be returned: 3 sold, 1 returned")
        self.assertFalse(self.wait_for("#return-confirm").is_enabled(), "nothing to confirm")

        # A sale of the open shift is voided instead, with a manager's PIN.
        self.pay_cash("PRO-002")
        self.wait_for("#nav-returns").click()
        self.wait_for("#return-code").send_keys("T1-000002" + Keys.ENTER)
        self.wait_for_text("#return-sale", "Sale T1-000002")
        self.wait_for("#return-reason").send_keys("Rung up by mistake")
        self.wait_for("#return-void").click()
        self.wait_for_text("#return-error", "A manager must approve this: voiding sale T1-000002")
        self.wait_for("#return-approve-email").send_keys("manager@example.com")
        self.wait_for("#return-approve-pin").send_keys("2345")
        self.wait_for("#return-void").click()
        self.wait_for_text("#return-notice", "Sale T1-000002 is voided")
        with sqlite3.connect(os.path.join(self.data_dir, "till.sqlite3")) as db:
            self.assertEqual(
                db.execute("SELECT transaction_status FROM sales_transactions WHERE sale_number = 'T1-000002'").fetchone(),
                ("voided",))
        self.wait_for("#return-code").send_keys("T1-000002" + Keys.ENTER)
        self.wait_for_text("#return-error", "Sale T1-000002 was voided")

    def test_16_a_return_without_a_receipt_needs_a_manager_and_is_in_cash(self):
        self.open_demo()
        self.sign_in("cashier@example.com", "1111")
        self.wait_for("#nav-returns").click()
        self.wait_for("#mode-no-receipt").click()
        self.wait_for("#no-receipt-code").send_keys("PRO-002" + Keys.ENTER)
        self.wait_for(".no-receipt-line")
        price = self.wait_for(".no-receipt-price")
        self.assertEqual(price.get_attribute("value"), "1.09", "the shelf price, for a manager to confirm")
        price.clear()
        price.send_keys("0.99")
        self.wait_for_text("#return-total", "$0.99")
        self.assertIn("A manager approves: a return without a receipt", self.text_of("#return-why"))
        self.wait_for("#return-reason").send_keys("Gift")
        self.wait_for("#return-approve-email").send_keys("manager@example.com")
        self.wait_for("#return-approve-pin").send_keys("1111")
        self.wait_for("#return-confirm").click()
        self.wait_for_text("#return-error", "Wrong PIN")
        pin = self.wait_for("#return-approve-pin")
        pin.clear()
        pin.send_keys("2345")
        self.wait_for("#return-confirm").click()
        self.wait_for_text("#return-done", "$0.99 back")
        self.assertIn("$0.99 from the drawer", self.text_of("#return-cash"))
        with sqlite3.connect(os.path.join(self.data_dir, "till.sqlite3")) as db:
            row = db.execute(
                "SELECT r.total_amount, r.reason, r.original_transaction_id, u.email FROM sales_transactions r"
                " JOIN users u ON u._id = r.approved_by WHERE r.transaction_type = 'return'").fetchall()
            self.assertEqual(row, [(99, "Gift", None, "manager@example.com")])

    def test_17_a_return_without_a_receipt_as_store_credit_is_spent_at_the_pay_dialog(self):
        self.open_demo()
        self.sign_in("manager@example.com", "2345")
        self.wait_for("#nav-returns").click()
        self.wait_for("#mode-no-receipt").click()
        self.wait_for("#no-receipt-code").send_keys("PRO-002" + Keys.ENTER)
        self.wait_for(".no-receipt-line")
        self.wait_for("#no-receipt-credit-to").send_keys("+1 987 654 3210" + Keys.TAB)
        self.wait_for_text("#return-preview", "Store credit 1.09")
        self.wait_for("#return-reason").send_keys("Gift")
        self.wait_for("#return-confirm").click()
        self.wait_for_text("#return-done", "$1.09 back")
        self.assertFalse(self.driver.find_elements(By.CSS_SELECTOR, "#return-cash"), "no cash leaves the drawer")

        self.wait_for("#nav-sell").click()
        self.sell_to_alice("PRO-001")
        credit = self.wait_for("#store-credit")
        self.assertIn("of $1.09", credit.get_attribute("placeholder"))
        credit.send_keys("2" + Keys.ENTER)
        self.wait_for_text("#pay-error", "The customer has 1.09 of store credit; 2.00 cannot be spent.")
        credit.clear()
        credit.send_keys("0.69" + Keys.ENTER)
        self.wait_for_text("#credit-spent", "Store credit: −$0.69")
        self.wait_for_text("#pay-dialog h2", "Pay $0.00")
        self.wait_for("#tendered").send_keys(Keys.ENTER)
        self.wait_for("#sale-done")
        with sqlite3.connect(os.path.join(self.data_dir, "till.sqlite3")) as db:
            paid = db.execute(
                "SELECT p.method_name, p.kind, p.amount FROM sale_payments p"
                " JOIN sales_transactions s ON s._id = p.transaction_id"
                " WHERE s.sale_number = 'T1-000001'").fetchall()
            self.assertEqual(paid, [("Store credit", "store_credit", 69)])
            left = db.execute("SELECT store_credit FROM customers WHERE name = 'Alice Johnson'").fetchone()
            self.assertEqual(left, (40,))

    def test_18_a_sale_down_to_its_threshold_drafts_an_order_that_is_ordered_and_received_by_scanning(self):
        self.open_demo()
        self.sign_in("manager@example.com", "2345")
        self.wait_for("#nav-orders").click()
        self.wait_for("#supplier-name").send_keys("Valley Dairy")
        self.wait_for("#supplier-contact").send_keys("Sam Ortiz" + Keys.ENTER)
        self.wait_for_text("#suppliers", "Valley Dairy — Sam Ortiz")

        # Milk is ordered from Valley Dairy, 24 at a time, when one more sale takes it
        # down to its threshold.
        self.body(Keys.F3)
        self.wait_for("#stock-filter").send_keys("DAI-002")
        stock = self.stock_of("DAI-002")
        self.wait_for('tr.product[data-sku="DAI-002"] .edit-button').click()
        self.wait(5).until(
            lambda d: self.wait_for("#product-name").get_attribute("value") != ""
        )
        threshold = self.wait_for("#product-threshold")
        threshold.clear()
        threshold.send_keys(str(stock - 1))
        self.wait(5).until(
            lambda d: len(d.find_elements(By.CSS_SELECTOR, "#product-supplier option")) == 2
        )
        Select(self.wait_for("#product-supplier")).select_by_visible_text("Valley Dairy")
        reorder = self.wait_for("#product-reorder")
        reorder.clear()
        reorder.send_keys("24")
        self.wait_for("#product-cost").send_keys("2.10")
        self.wait_for("#product-save").click()
        self.wait_for_text("#stock-saved", "saved")

        self.body(Keys.F1)
        self.wait_for("#scan").send_keys("DAI-002" + Keys.ENTER)
        self.wait_for('#cart tr.line[data-sku="DAI-002"]')
        self.body(Keys.F2)
        self.wait_for("#tendered").send_keys("100" + Keys.ENTER)
        self.wait_for("#sale-done")
        self.body(Keys.ENTER)
        self.wait_for("#scan")

        self.wait_for("#nav-orders").click()
        self.wait_for("#orders-tab-drafts").click()
        row = self.wait_for('tr.order[data-number="T1-PO000001"]')
        self.assertIn("automatic", row.text)
        self.assertIn("Valley Dairy", row.text)
        row.find_element(By.CSS_SELECTOR, ".open-order").click()
        line = self.wait_for('#order-detail tr.order-line[data-sku="DAI-002"]')
        self.assertEqual(line.find_element(By.CSS_SELECTOR, "input.ordered").get_attribute("value"), "24")
        self.assertIn("opened by products down to their threshold", self.text_of("#order-status"))
        self.screenshot("orders-draft")

        self.wait_for("#mark-ordered").click()
        self.wait_for_text("#orders-saved", "T1-PO000001 is ordered.")
        self.wait_for("#export-order").click()
        page = os.path.join(self.data_dir, "T1-PO000001.html")
        self.answer_save_dialog("Save the order for the supplier", page)
        self.wait_for_text("#orders-saved", f"For the supplier: {page}")
        with open(page, encoding="utf-8") as f:
            html = f.read()
        with open(page.removesuffix(".html") + ".csv", encoding="utf-8") as f:
            self.assertIn("DAI-002", f.read())
        self.assertIn("To: <strong>Valley Dairy</strong>", html)
        self.assertIn("Whole Milk 1 gal, Organic", html)
        scan = self.wait_for("#receive-scan")
        for _ in range(10):
            scan.send_keys("DAI-002" + Keys.ENTER)
        self.wait_for_text("#receive-lines", "DAI-002: 10 sound")
        self.wait_for("#receive-damaged").click()
        scan.send_keys("DAI-002" + Keys.ENTER)
        self.wait_for_text("#receive-lines", "DAI-002: 10 sound, 1 damaged")
        self.wait_for("#receive").click()
        self.wait_for_text("#orders-saved", "T1-PO000001: partly received.")
        line = self.wait_for('#order-detail tr.order-line[data-sku="DAI-002"]')
        self.assertEqual(line.find_element(By.CSS_SELECTOR, ".received").text, "10")
        self.assertEqual(line.find_element(By.CSS_SELECTOR, ".difference").text, "-13")
        self.screenshot("orders-receive")

        self.body(Keys.F3)
        self.wait_for("#stock-filter").send_keys("DAI-002")
        self.assertEqual(self.stock_of("DAI-002"), stock - 1 + 10)
        row = self.wait_for('tr.product[data-sku="DAI-002"]')
        self.assertEqual(row.find_element(By.CSS_SELECTOR, ".on-order").text, "13")
        with sqlite3.connect(os.path.join(self.data_dir, "till.sqlite3")) as db:
            moved = db.execute(
                "SELECT m.movement_type, m.quantity FROM stock_movements m"
                " JOIN purchase_orders o ON o._id = m.transaction_id").fetchall()
            self.assertEqual(moved, [("restock", 10_000)], "ten, in thousandths")

    def test_19_a_shelf_is_counted_by_scanning_while_it_sells_and_the_count_is_posted(self):
        self.open_demo()
        self.sign_in("manager@example.com", "2345")
        self.body(Keys.F3)
        self.wait_for("#stock-filter").send_keys("DAI-002")
        stock = self.stock_of("DAI-002")
        self.wait_for("#nav-transfers").click()
        self.wait_for("#count-category").send_keys("Dairy" + Keys.ENTER)
        self.wait_for_text("#count-scope", "Counting Dairy: 0 counted")
        scan = self.wait_for("#count-scan")
        for _ in range(3):
            scan.send_keys("DAI-002" + Keys.ENTER)
            time.sleep(0.2)  # each scan is answered before the next (a scanner's pace)
        line = self.wait_for('tr.count-line[data-sku="DAI-002"]')
        self.wait(5).until(
            lambda d: line.find_element(By.CSS_SELECTOR, ".counted").text == "3"
        )
        scan.send_keys("PRO-001" + Keys.ENTER)
        self.wait_for_text("#transfers-error", "is not in Dairy, the category being counted")

        # One sells while the shelf is counted: the count still compares with the stock
        # when it started, and the sale is not lost.
        self.body(Keys.F1)
        self.wait_for("#scan").send_keys("DAI-002" + Keys.ENTER)
        self.wait_for('#cart tr.line[data-sku="DAI-002"]')
        self.body(Keys.F2)
        self.wait_for("#tendered").send_keys("100" + Keys.ENTER)
        self.wait_for("#sale-done")
        self.body(Keys.ENTER)
        self.wait_for("#scan")
        self.wait_for("#nav-transfers").click()
        line = self.wait_for('tr.count-line[data-sku="DAI-002"]')
        self.assertEqual(line.find_element(By.CSS_SELECTOR, ".difference").text, str(3 - stock))
        self.screenshot("count")
        self.wait_for("#count-post").click()
        self.wait_for_text("#transfers-saved", "Count posted: 1 product(s) adjusted.")
        self.body(Keys.F3)
        self.wait_for("#stock-filter").send_keys("DAI-002")
        self.assertEqual(self.stock_of("DAI-002"), 3 - 1)
        with sqlite3.connect(os.path.join(self.data_dir, "till.sqlite3")) as db:
            moved = db.execute(
                "SELECT movement_type, quantity FROM stock_movements WHERE reason = 'count'").fetchall()
        self.assertEqual(moved, [("adjustment", (3 - stock) * 1000)])

    def test_20_a_transfer_sent_by_one_store_is_received_in_part_by_another(self):
        from pymongo import MongoClient
        from bson import ObjectId

        uri = os.environ["SELLSYNC_TEST_MONGODB_URI"]
        database = f"desktop_transfer_{int(time.time() * 1000)}"
        self.open_demo()
        self.sign_in("manager@example.com", "2345")
        self.save_central(uri, database)
        synced = lambda d: self.text_of("#status-pending") == "0 waiting to sync"
        self.wait(30).until(synced)
        # The back office opens a second store, where the demo's staff work too.
        uptown = ObjectId()
        with MongoClient(uri) as client:
            db = client[database]
            business = db["stores"].find_one()["business_id"]
            db["stores"].insert_one({
                "_id": uptown, "business_id": business, "store_name": "Corner Market Uptown",
                "location": "9 Hill St", "phone": "", "created_at": datetime.datetime.now(datetime.timezone.utc),
            })
            db["users"].update_many({"email": {"$in": ["manager@example.com", "cashier@example.com"]}},
                                    {"$unset": {"store_id": ""}})

        def store_offered(d):
            self.wait_for("#nav-stock").click()
            self.wait_for("#nav-transfers").click()
            return d.find_elements(By.CSS_SELECTOR, "#transfer-to option")
        self.wait(30, poll_frequency=1).until(store_offered)
        self.assertEqual(Select(self.wait_for("#transfer-to")).first_selected_option.text, "Corner Market Uptown")
        scan = self.wait_for("#transfer-scan")
        for _ in range(5):
            scan.send_keys("DAI-002" + Keys.ENTER)
        self.wait_for_text("#transfer-sending", "DAI-002: 5")
        self.wait_for("#transfer-send").click()
        self.wait_for_text("#transfers-saved", "T1-TR000001 sent to Corner Market Uptown.")
        self.wait(30).until(synced)

        # A till of Uptown, set up from the central database, receives 4 of the 5.
        self.start_app()
        self.wait_for("#start-provision").click()
        self.wait_for("#provision-uri").send_keys(uri)
        self.wait_for("#provision-database").send_keys(database)
        self.wait_for("#provision-store").send_keys(str(uptown) + Keys.ENTER)
        self.sign_in("manager@example.com", "2345")
        self.wait_for("#nav-transfers").click()
        self.wait_for('tr.transfer[data-number="T1-TR000001"] .open-transfer').click()
        self.assertIn("in transit", self.text_of("#transfer-status"))
        scan = self.wait_for("#transfer-receive-scan")
        for _ in range(4):
            scan.send_keys("DAI-002" + Keys.ENTER)
        self.wait_for_text("#transfer-receiving", "DAI-002: 4")
        self.wait_for("#transfer-receive").click()
        self.wait_for_text("#transfers-saved", "T1-TR000001 received: 1 missing.")
        self.screenshot("transfer-receive")
        self.wait(30).until(synced)
        with MongoClient(uri) as client:
            db = client[database]
            transfer = db["stock_transfers"].find_one()
            self.assertEqual(transfer["status"], "received")
            self.assertEqual(transfer["items"][0]["quantity_received"], 4)
            milk = db["products"].find_one({"sku": "DAI-002"})
            levels = {str(level["store_id"]): level["stock"] for level in milk["stock_levels"]}
            self.assertEqual(levels[str(uptown)], 4)

    def test_21_a_till_of_a_store_on_the_service_is_set_up_with_a_code_from_the_server(self):
        """The first screen enrols the till at the Sell Sync server: the real gateway
        (SELLSYNC_SERVER) on the test server. A wrong code is refused in words; with the
        store's code the till holds the store and its owner, and syncs through the server."""
        server = os.environ["SELLSYNC_SERVER"]
        env = dict(
            os.environ,
            SELLSYNC_MONGODB_URI=os.environ["SELLSYNC_TEST_MONGODB_URI"],
            SELLSYNC_MONGODB_DATABASE=f"desktop_enrol_{int(time.time() * 1000)}",
        )

        def admin(*args):
            return subprocess.run([server, "admin", *args], env=env, check=True, capture_output=True, text=True).stdout

        created = admin("create-business", "--name", "Harbour Books", "--plan", "Standard",
                        "--owner-email", "owner@example.com", "--owner-pin", "4321",
                        "--store", "Harbour Books Quay")
        ids = dict(line.split(" ", 1) for line in created.splitlines() if line.startswith(("business ", "store ")))
        code = admin("enrol", "--business", ids["business"], "--store", ids["store"]).strip().splitlines()[-1]
        self.assertTrue(code.startswith("sse_"), code)
        port = free_port()
        gateway = subprocess.Popen([server, "serve", "--listen", f"127.0.0.1:{port}"], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(gateway.wait)
        self.addCleanup(gateway.terminate)
        self.wait(10).until(lambda d: port_open(port))

        self.wait_for("#start-enrol").click()
        self.wait_for("#enrol-server").send_keys(f"http://127.0.0.1:{port}")
        # The right prefix but not a code's shape: mistyped (the gateway's words, shown as they came).
        self.wait_for("#enrol-code").send_keys("sse_not_a_code" + Keys.ENTER)
        self.wait_for_text("#app-error", "enrolment code is mistyped or cut short")
        self.assertFalse(os.path.exists(os.path.join(self.data_dir, "till.sqlite3")), "nothing set up")
        field = self.wait_for("#enrol-code")
        field.clear()
        field.send_keys(code)
        self.screenshot("enrol")
        field.send_keys(Keys.ENTER)
        self.wait_for('.staff-member[data-email="owner@example.com"]', timeout=30)
        self.sign_in("owner@example.com", "4321")
        self.assertEqual(self.text_of("header strong"), "Harbour Books Quay")
        # Online: the server answered the till's pull and push.
        self.wait(30).until(lambda d: self.text_of("#status-sync").startswith("Online"))
        self.assertEqual(self.text_of("#status-pending"), "0 waiting to sync")
        with open(os.path.join(self.data_dir, "sync.toml")) as f:
            settings = f.read()
        self.assertIn(f"http://127.0.0.1:{port}", settings)
        self.assertNotIn("mongodb", settings, "the till holds no database address")
        # The code was for one till: it is spent.
        self.start_app()
        self.wait_for("#start-enrol").click()
        self.wait_for("#enrol-server").send_keys(f"http://127.0.0.1:{port}")
        self.wait_for("#enrol-code").send_keys(code + Keys.ENTER)
        self.wait_for_text("#app-error", "used already")

    def quantity_of(self, sku):
        return self.wait_for(f'#cart tr.line[data-sku="{sku}"] .quantity').text

    def scanner_types(self, text):
        """A barcode scanner: keystrokes into whatever has the focus, then Enter."""
        ActionChains(self.driver).send_keys(text + Keys.ENTER).perform()

    def test_22_a_scan_after_any_click_lands_in_the_cart_and_quantities_are_keyed(self):
        self.open_demo()
        self.type_pin("cashier@example.com", "1111")
        self.wait_for("#scan").send_keys("PRO-001" + Keys.ENTER)
        self.wait(5).until(lambda d: len(self.lines()) == 1)

        # Whatever is clicked, the scanner's next code is rung up.
        clicks = {
            "a cart row": lambda: self.wait_for('#cart tr.line[data-sku="PRO-001"] td').click(),
            "a category": lambda: self.wait_for("#quick-keys .category").click(),
            "a quick key": lambda: self.wait_for("#quick-keys .quick-key").click(),
            "a + button": lambda: self.wait_for('#cart tr.line[data-sku="PRO-001"] .step:last-child').click(),
            "the totals": lambda: self.wait_for("#items").click(),
        }
        for what, click in clicks.items():
            before = int(self.text_of("#items"))
            click()
            after_click = int(self.text_of("#items"))
            self.scanner_types("PRO-002")
            self.wait(5).until(lambda d: int(self.text_of("#items")) == after_click + 1,
                               f"the scan after clicking {what} was lost")
            self.assertGreaterEqual(after_click, before)
            self.assertEqual(self.driver.switch_to.active_element, self.wait_for("#scan"), what)

        # A clicked row is highlighted and the keys act on it.
        self.wait_for('#cart tr.line[data-sku="PRO-001"] td').click()
        self.assertIn("current", self.wait_for('#cart tr.line[data-sku="PRO-001"]').get_attribute("class"))
        before = int(self.quantity_of("PRO-001"))
        ActionChains(self.driver).send_keys("+").perform()
        self.wait(5).until(lambda d: int(self.quantity_of("PRO-001")) == before + 1)

        # 12* Enter makes the highlighted line twelve; 3* then a scan sells three.
        ActionChains(self.driver).send_keys("12*").perform()
        self.assertEqual(self.text_of("#pending-quantity"), "12 ×")
        ActionChains(self.driver).send_keys(Keys.ENTER).perform()
        self.wait(5).until(lambda d: self.quantity_of("PRO-001") == "12")
        self.scanner_types("3*DAI-001")
        self.wait(5).until(lambda d: self.quantity_of("DAI-001") == "3")
        self.assertFalse(self.driver.find_elements(By.CSS_SELECTOR, "#pending-quantity"))
        self.scanner_types("1.5")
        self.wait_for_text("#sell-error", "1.5 is not a barcode or SKU")
        self.screenshot("sell-quantity")

        # − on the last unit asks once; the second − takes the line off.
        self.scanner_types("DAI-002")
        self.wait_for('#cart tr.line[data-sku="DAI-002"]')
        lines = len(self.lines())
        ActionChains(self.driver).send_keys("-").perform()
        self.wait_for_text("#sell-notice", "Press − again")
        self.assertEqual(len(self.lines()), lines, "nothing taken off yet")
        ActionChains(self.driver).send_keys("-").perform()
        self.wait(5).until(lambda d: len(self.lines()) == lines - 1)

    # What a Rust type, a command or serde says: never for a cashier's eyes.
    MACHINE_WORDS = ("invalid", "i64", "command", "args", "expected", "floating point")

    def assert_in_words(self, css, wanted):
        self.wait_for_text(css, wanted)
        shown = self.text_of(css)
        for word in self.MACHINE_WORDS:
            self.assertNotIn(word, shown.lower(), shown)

    def test_23_bad_input_is_refused_in_a_cashiers_words_beside_what_was_pressed(self):
        self.open_demo()
        self.sign_in("cashier@example.com", "1111")
        self.pay_cash("DAI-002", "PRO-001")
        with sqlite3.connect(os.path.join(self.data_dir, "till.sqlite3")) as db:
            (sale_id,) = db.execute("SELECT _id FROM sales_transactions WHERE sale_number = 'T1-000001'").fetchone()
        self.wait_for("#nav-returns").click()
        self.wait_for("#return-code").send_keys(sale_id + Keys.ENTER)
        self.wait_for_text("#return-sale", "Sale T1-000001")
        quantity = self.return_line("DAI-002").find_element(By.CSS_SELECTOR, ".return-quantity")
        quantity.send_keys("1.5")
        self.assert_in_words("#return-error", "1.5 is not a whole number: this is sold by the piece")
        quantity.clear()
        quantity.send_keys("-1")
        self.assert_in_words("#return-error", "You can return at most 1 ×")

        # The scan field: part of an item sold by the piece, a quantity that is none.
        self.wait_for("#nav-sell").click()
        self.wait_for("#scan").send_keys("1.5*PRO-001" + Keys.ENTER)
        self.assert_in_words("#sell-error", "1.5 is not a whole number: this is sold by the piece")
        self.wait_for("#scan").send_keys("0*PRO-001" + Keys.ENTER)
        self.assert_in_words("#sell-error", "0 is not a quantity here")

        # A shift closed, then opened with no float typed.
        self.wait_for("#nav-shift").click()
        self.wait_for("#shift-counted").send_keys(Keys.ENTER)
        self.assert_in_words("#close-error", "No amount was typed")
        self.assertTrue(self.driver.execute_script(
            "const r = document.querySelector('#close-error').getBoundingClientRect();"
            "return r.top >= 0 && r.bottom <= window.innerHeight;"), "in view, beside the button")

    def test_24_a_stock_correction_by_count_shows_the_level_first_and_below_zero_asks(self):
        self.open_demo()
        self.sign_in("manager@example.com", "2345")
        self.wait_for("#nav-stock").click()
        self.assertEqual(self.text_of('tr.product[data-sku="DAI-001"] .price'), "4.29")
        before = self.stock_of("DAI-001")
        self.wait_for("#stock-filter").send_keys("DAI-001")
        self.wait_for('tr.product[data-sku="DAI-001"] .adjust-button').click()
        form = self.wait_for('tr.adjust-row[data-sku="DAI-001"]')
        form.find_element(By.CSS_SELECTOR, ".delta").send_keys("0")
        self.wait_for_text('tr.adjust-row .result', f"Stock {before} → 0 (-{before})")
        form.find_element(By.CSS_SELECTOR, ".delta").send_keys(Keys.BACKSPACE + f"-{before + 5}")
        self.wait_for_text('tr.adjust-row .result', f"Stock {before} → -5")
        form.find_element(By.CSS_SELECTOR, ".reason").send_keys("theft")
        form.find_element(By.CSS_SELECTOR, ".save").click()
        self.assert_in_words("#adjust-error", "below zero: give the reason and tick to confirm")
        self.assertEqual(self.stock_of("DAI-001"), before, "nothing saved yet")
        self.screenshot("stock-below-zero")
        form.find_element(By.CSS_SELECTOR, ".below-zero").click()
        form.find_element(By.CSS_SELECTOR, ".save").click()
        self.wait_for_text("#stock-saved", "now -5 in stock")
        self.adjust("DAI-001", "12", "recount")
        self.wait_for_text("#stock-saved", "now 12 in stock")
        self.assertEqual(self.stock_of("DAI-001"), 12)

    def test_27_a_deli_label_rings_up_at_its_price(self):
        def prepare(folder):
            def cli(*args):
                subprocess.run([os.environ["SELLSYNC_CLI"], "--data-dir", folder, *args], check=True,
                               capture_output=True, timeout=60)
            cli("init", "--demo")
            cli("barcode-rules", "set", "--country", "United States", "--user", "admin@example.com", "--pin", "1234")
            cli("product", "add", "--user", "manager@example.com", "--pin", "2345", "--sku", "DELI-1",
                "--name", "Sliced Turkey", "--price", "12.99", "--barcode", "204321000002")
        self.start_app(prepare)
        self.open_demo()
        self.sign_in("cashier@example.com", "1111")
        # The deli's scale printed 5.99 into the label; the shelf's own code is 12.99.
        self.scanner_types("204321105998")
        self.wait(5).until(lambda d: len(self.lines()) == 1)
        self.scanner_types("204321000002")
        self.wait(5).until(lambda d: len(self.lines()) == 2)
        prices = [line.find_element(By.CSS_SELECTOR, ".unit-price").text for line in self.lines()]
        self.assertEqual(prices, ["5.99", "12.99"])
        # A misprinted label is refused in words, and nothing is added.
        self.scanner_types("204321805997")
        self.assert_in_words("#sell-error", "does not match its verifier digit")
        self.assertEqual(len(self.lines()), 2)
        self.screenshot("sell-deli-label")

    def test_28_an_administrator_picks_the_label_layouts_a_manager_reads_them(self):
        self.open_demo()
        self.sign_in("admin@example.com", "1234")
        self.body(Keys.F9)
        # The demo reads its deli's United States price labels.
        self.wait_for_text("#label-rules", "UPC-A 2…")
        Select(self.wait_for("#label-layout")).select_by_visible_text("United Kingdom")
        self.wait_for("#label-save").click()
        self.wait_for_text("#settings-saved", "Labels are read as in United Kingdom")
        rules = [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
                 for row in self.driver.find_elements(By.CSS_SELECTOR, "#label-rules .label-rule")]
        self.assertEqual(len(rules), 2, rules)
        self.assertEqual(rules[0], ["Price label (20)", "EAN-13 20…", "3–7", "price in 9–12, 2 decimals, verified"])
        with sqlite3.connect(os.path.join(self.data_dir, "till.sqlite3")) as db:
            (waiting,) = db.execute(
                "SELECT count(*) FROM outbox WHERE collection = 'businesses' AND op = 'update'").fetchone()
        self.assertEqual(waiting, 1, "on its way to every till of the business")
        self.screenshot("settings-labels")
        # The demo's own codes sit in the same 20… range as UK labels: they stay products.
        with sqlite3.connect(os.path.join(self.data_dir, "till.sqlite3")) as db:
            (barcode,) = db.execute("SELECT barcode FROM products WHERE sku = 'DAI-002'").fetchone()
        self.assertTrue(barcode.startswith("20"), barcode)
        self.wait_for("#nav-sell").click()
        self.scanner_types(barcode)
        self.wait_for('#cart tr.line[data-sku="DAI-002"]')
        self.wait_for("#sign-out").click()
        self.sign_in("manager@example.com", "2345")
        self.body(Keys.F9)
        self.wait_for_text("#label-rules", "Price label (28)")
        self.assertFalse(self.driver.find_elements(By.CSS_SELECTOR, "#label-layout"), "an administrator's")

    def test_29_goods_sold_by_weight_are_weighed_on_the_scale_or_keyed_and_deli_labels_scanned(self):
        """A counter scale speaking MT-SICS on a real pseudo-terminal weighs loose bananas;
        without a scale their weight is asked for, then keyed; a deli pack sells at its
        label's price."""
        scale = SimulatedSics(["S D      0.700 lb", "S S      0.742 lb"])
        self.addCleanup(scale.stop)
        self.open_demo()
        self.sign_in("admin@example.com", "1234")
        self.body(Keys.F9)
        self.wait_for("#scale-port").send_keys(scale.port)
        Select(self.wait_for("#scale-protocol")).select_by_visible_text("mt-sics")
        Select(self.wait_for("#scale-unit")).select_by_visible_text("lb")
        self.wait_for("#scale-save").click()
        self.wait_for_text("#settings-saved", "The scale is saved")

        self.wait_for("#nav-sell").click()
        self.scanner_types("4011")
        line = '#cart tr.line[data-sku="4011"]'
        self.wait_for_text(f"{line} .quantity", "0.742 lb")
        self.assertTrue(self.text_of(f"{line} .unit-price").endswith("/lb"), self.text_of(f"{line} .unit-price"))
        self.assertEqual(scale.heard(), ["SI", "SI"], "asked again while it moved")

        # No scale: the weight is asked for, then keyed before the scan.
        self.body(Keys.F9)
        self.wait_for("#scale-port").send_keys(Keys.CONTROL + "a", Keys.DELETE)
        self.wait_for("#scale-save").click()
        self.wait_for_text("#settings-saved", "The scale is removed")
        self.wait_for("#nav-sell").click()
        self.scanner_types("4664")
        self.assert_in_words("#sell-error", "Tomatoes on the Vine is sold by the pound: put it on the scale, or key its weight")
        self.wait_for("#scan").send_keys("1.25*4664" + Keys.ENTER)
        self.wait_for_text('#cart tr.line[data-sku="4664"] .quantity', "1.250 lb")

        # The deli's pack of sliced turkey, labelled $7.41 at its scale.
        self.scanner_types("210001007414")
        self.wait_for_text('#cart tr.line[data-sku="DELI-10001"] .unit-price', "7.41")
        self.wait(5).until(lambda d: len(self.lines()) == 3)
        self.screenshot("desktop-weighed")

        # A cashier may not key a weight: told who may, refused in words if they try, and
        # the cart stays as it was.
        self.wait_for("#sign-out").click()
        self.sign_in("cashier@example.com", "1111")
        self.wait_for("#nav-sell").click()
        before = len(self.lines())
        self.scanner_types("4664")
        self.assert_in_words("#sell-error", "put it on the scale, or ask a manager or an admin to key its weight")
        self.wait_for("#scan").send_keys("0.5*4664" + Keys.ENTER)
        self.assert_in_words("#sell-error", "is not allowed to key weights. A manager or an admin can.")
        self.assertEqual(len(self.lines()), before)

    def test_30_a_family_is_added_as_a_grid_on_the_stock_screen_and_a_variant_sold(self):
        self.open_demo()
        self.sign_in("manager@example.com", "2345")
        self.body(Keys.F3)

        def add_family():
            self.wait_for("#new-family").click()
            for field, text in [("#family-name", "Crew T-shirt"), ("#family-sku", "TEE"),
                                ("#family-price", "19.99"), ("#family-category", "Apparel")]:
                self.wait_for(field).send_keys(text)
            values = self.driver.find_elements(By.CSS_SELECTOR, "#family-editor .option-values")
            values[0].send_keys("S, M")
            values[1].send_keys("Navy")
            self.wait(5).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#family-grid tr.variant")) == 2)
            stock = self.wait_for('#family-grid tr.variant[data-values="M / Navy"] .variant-stock')
            stock.send_keys(Keys.END + Keys.BACKSPACE + "5")
            self.wait_for("#family-save").click()

        add_family()
        self.wait_for_text("#stock-saved", "2 variants added.")
        self.wait_for("#stock-filter").send_keys("TEE-M-NAVY")
        self.assertEqual(self.stock_of("TEE-M-NAVY"), 5)
        # The same grid again: its SKUs are taken, and nothing is added.
        add_family()
        self.assert_in_words("#family-error", "TEE-S-NAVY")
        self.screenshot("desktop-family")

        # The family's shelf labels, on a sheet to print.
        filter_box = self.wait_for("#stock-filter")
        filter_box.send_keys(Keys.CONTROL + "a", Keys.DELETE)
        filter_box.send_keys("Crew T-shirt")
        self.wait(5).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "tr.product")) == 2)
        self.wait_for("#label-sheet").click()
        sheet = os.path.join(self.data_dir, "tee-labels")
        self.answer_save_dialog("Save the label sheet", sheet)
        self.wait_for_text("#stock-saved", f"Labels of 2 products: {sheet}.html")
        with open(sheet + ".html", encoding="utf-8") as page:
            html = page.read()
        for sku in ("TEE-S-NAVY", "TEE-M-NAVY"):
            self.assertIn(f'data-sku="{sku}"', html)

        self.body(Keys.F1)
        self.scanner_types("TEE-M-NAVY")
        self.wait_for('#cart tr.line[data-sku="TEE-M-NAVY"]')
        self.assertIn("Crew T-shirt, M, Navy", self.text_of("#cart"))

    # Every argument name the window's commands take: given below, each with a value of no
    # type any of them reads. A name missing here leaves that argument out, which the shell
    # refuses as well.
    ARGUMENTS = (
        "uri", "database", "storeId", "server", "code", "email", "pin", "text", "quantity", "line",
        "discount", "contact", "name", "phone", "points", "amount", "tenders", "sale", "note", "parked",
        "input", "approve", "lines", "creditTo", "reason", "float", "cashIn", "counted", "approveEmail",
        "approvePin", "keepParked", "by", "date", "number", "lowOnly", "correction", "isNew", "supplier",
        "order", "to", "transfer", "category", "country", "skus",
    )

    def test_26_malformed_input_to_every_command_is_refused_in_words_and_writes_nothing(self):
        self.open_demo()
        self.sign_in("manager@example.com", "2345")
        self.pay_cash("DAI-002")
        commands, bare = self.window_commands()
        self.assertGreater(len(commands), 60)
        self.assertIn("cart", bare)
        till = os.path.join(self.data_dir, "till.sqlite3")
        before = self.row_counts(till)
        poison = {name: {"poison": [1.5, None]} for name in self.ARGUMENTS}
        answers = self.driver.execute_async_script(
            """
            const [commands, poison, done] = arguments;
            const answers = {};
            for (const command of commands) {
                try {
                    await window.__TAURI_INTERNALS__.invoke(command, poison);
                    answers[command] = { taken: true };
                } catch (error) {
                    answers[command] = { error };
                }
            }
            done(answers);
            """,
            [c for c in commands if c not in bare],
            poison,
        )
        for command, answer in answers.items():
            self.assertNotIn("taken", answer, f"{command} took malformed input")
            error = answer["error"]
            if isinstance(error, dict):
                # A refusal of core's, in words.
                self.assertEqual(sorted(error), ["code", "message"], command)
                for word in self.MACHINE_WORDS:
                    self.assertNotIn(word, error["message"].lower(), f"{command}: {error}")
            else:
                # What the shell could not read: the window shows its own words instead.
                self.assertIsInstance(error, str, command)
        self.assertEqual(self.row_counts(till), before, "nothing written")

        # The window's words for what the shell could not read, where a cashier sees them:
        # the next scan reaches the shell (Tauri's IPC is a request of the page's own) with
        # a quantity it does not read.
        self.driver.execute_script(
            """
            const send = window.fetch;
            window.fetch = (url, init) => {
                if (!String(url).endsWith("/scan")) return send(url, init);
                window.fetch = send;
                const args = { ...JSON.parse(init.body), quantity: 1.5 };
                return send(url, { ...init, body: JSON.stringify(args) });
            };
            """
        )
        self.wait_for("#scan").send_keys("PRO-001" + Keys.ENTER)
        self.assert_in_words("#sell-error", "The till could not read what was typed")
        self.assertEqual(self.row_counts(till), before)

    @staticmethod
    def window_commands():
        """The commands the shell answers, as the window's generated types list them, and
        those the window calls with no argument (nothing to send them malformed)."""
        lib = os.path.join(os.path.dirname(__file__), "..", "ui", "src", "lib")
        with open(os.path.join(lib, "bindings.ts"), encoding="utf-8") as f:
            declared = f.read().split("export type Command =", 1)[1].split(";", 1)[0]
        with open(os.path.join(lib, "api.ts"), encoding="utf-8") as f:
            bare = set(re.findall(r'call<[^(]*>\("(\w+)"\)', f.read()))
        return re.findall(r'"(\w+)"', declared), bare

    @staticmethod
    def row_counts(path):
        with sqlite3.connect(path) as db:
            tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}

    # The visible controls and labels that stick out of the window, are cut off, or overlap
    # one another (neither inside the other), in the page as laid out now.
    LAYOUT_PROBLEMS = """
        const seen = [...document.querySelectorAll('button, input, select, label, h1, h2, th, kbd, .quick-key .name')]
            .filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0
                && getComputedStyle(e).visibility !== 'hidden'; });
        const name = (e) => e.id ? '#' + e.id : e.tagName.toLowerCase() + ' ' + (e.textContent || e.placeholder || '').trim().slice(0, 30);
        const problems = [];
        for (const e of seen) {
            const r = e.getBoundingClientRect();
            if (r.left < -1 || r.right > window.innerWidth + 1) problems.push(name(e) + ' is outside the window');
            const clips = getComputedStyle(e).overflow !== 'visible';
            if (e.tagName !== 'INPUT' && clips && (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1))
                problems.push(name(e) + ' is cut off');
        }
        const controls = seen.filter((e) => ['BUTTON', 'INPUT', 'SELECT'].includes(e.tagName));
        for (let i = 0; i < controls.length; i++) for (let j = i + 1; j < controls.length; j++) {
            const [a, b] = [controls[i], controls[j]];
            if (a.contains(b) || b.contains(a)) continue;
            const [p, q] = [a.getBoundingClientRect(), b.getBoundingClientRect()];
            if (p.left < q.right - 1 && q.left < p.right - 1 && p.top < q.bottom - 1 && q.top < p.bottom - 1)
                problems.push(name(a) + ' overlaps ' + name(b));
        }
        return problems;
    """

    def assert_laid_out(self, what):
        self.assertEqual(self.driver.execute_script(self.LAYOUT_PROBLEMS), [], what)

    def assert_in_view(self, css, what):
        self.assertTrue(self.driver.execute_script(
            "const r = arguments[0].getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight;",
            self.wait_for(css)), what)

    def resize(self, width, height):
        """Resizes the window and waits until the page has the size: the window system
        applies it on its own time."""
        self.driver.set_window_size(width, height)
        inner = "return [window.innerWidth, window.innerHeight]"
        try:
            self.wait(5).until(lambda d: d.execute_script(inner) == [width, height])
        except TimeoutException:
            self.driver.set_window_size(width, height)
            self.wait(5).until(lambda d: d.execute_script(inner) == [width, height])

    def test_25_every_screen_holds_at_1024_by_768_and_1280_by_800(self):
        sizes = ((1024, 768), (1280, 800))
        self.open_demo()
        for width, height in sizes:
            self.resize(width, height)
            self.assert_laid_out(f"the sign-in screen at {width}×{height}")
        self.type_pin("manager@example.com", "2345")
        self.wait_for("#user-name")
        self.pay_cash("PRO-001", "DAI-002", "DAI-001")
        self.wait_for("#scan").send_keys("PRO-001" + Keys.ENTER)
        self.wait_for("#cart tr.line")
        for width, height in sizes:
            self.resize(width, height)
            for screen in ("sell", "returns", "stock", "orders", "transfers", "notifications", "shift", "reports", "settings"):
                self.wait_for(f"#nav-{screen}").click()
                time.sleep(0.5)  # the screen's first answer from the shell
                self.assert_laid_out(f"the {screen} screen at {width}×{height}")
                if width == 1024:
                    self.screenshot(f"small-{screen}")

            # A sale to return: its lines beside the refund's buttons, all in view.
            self.wait_for("#nav-returns").click()
            self.wait_for("#return-code").send_keys("T1-000001" + Keys.ENTER)
            self.wait_for("#return-sale")
            self.wait_for("#return-all").click()
            self.wait_for("#return-preview")
            self.assert_laid_out(f"a sale to return at {width}×{height}")
            self.assert_in_view("#return-confirm", f"Give the refund at {width}×{height}")
            if width == 1024:
                self.screenshot("small-returns")

            self.wait_for("#nav-sell").click()
            self.body(Keys.F2)
            self.wait_for("#tendered")
            self.assert_laid_out(f"the pay panel at {width}×{height}")
            cancel = [b for b in self.driver.find_elements(By.CSS_SELECTOR, "#pay-dialog button") if "Cancel" in b.text]
            self.assertTrue(cancel and self.driver.execute_script(
                "const r = arguments[0].getBoundingClientRect(); return r.bottom <= window.innerHeight;", cancel[0]),
                "the pay panel's Cancel is in view")
            cancel[0].click()

def port_open(port):
    try:
        socket.create_connection(("127.0.0.1", port), 0.2).close()
        return True
    except OSError:
        return False


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    unittest.main()

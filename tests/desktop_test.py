"""The desktop app, driven as a cashier would through WebDriver (run by tests/desktop-e2e).

Each test opens the app on a fresh till (SELLSYNC_DATA_DIR), so the first screen offers
the demo store.
"""

import os
import sqlite3
import time
import unittest

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.remote.client_config import ClientConfig
from selenium.webdriver.remote.remote_connection import RemoteConnection
from selenium.webdriver.support.ui import WebDriverWait

DATA_DIR = os.environ["SELLSYNC_DATA_DIR"]
SCREENSHOTS = os.environ["SCREENSHOTS"]


class Till(unittest.TestCase):
    def setUp(self):
        options = ArgOptions()
        options.set_capability("tauri:options", {"application": os.environ["APP"]})
        url = os.environ["DRIVER_URL"]
        # A client timeout: an app that dies at start would leave the new session hanging.
        config = ClientConfig(remote_server_addr=url, timeout=60)
        started = time.monotonic()
        self.driver = webdriver.Remote(RemoteConnection(client_config=config), options=options)
        print(f"session started in {time.monotonic() - started:.2f} s")
        self.addCleanup(self.driver.quit)

    def wait_for(self, css, timeout=10):
        return WebDriverWait(self.driver, timeout).until(
            lambda d: next((e for e in d.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()), None)
        )

    def text_of(self, css):
        return self.wait_for(css).text

    def screenshot(self, name):
        # The DOM can change before WebKit paints it: wait two frames.
        self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "requestAnimationFrame(() => requestAnimationFrame(() => done()));"
        )
        self.driver.save_screenshot(os.path.join(SCREENSHOTS, f"{name}.png"))

    def open_demo(self):
        if not os.path.exists(os.path.join(DATA_DIR, "till.sqlite3")):
            self.wait_for("#open-demo").click()
        self.wait_for(".staff-member")

    def type_pin(self, email, pin):
        self.wait_for(f'.staff-member[data-email="{email}"]').click()
        self.wait_for("#pin-display")
        for digit in pin:
            self.driver.find_element(By.CSS_SELECTOR, f'.pin-key[data-key="{digit}"]').click()
        self.wait_for("#pin-enter").click()

    def test_1_a_wrong_pin_is_refused_in_words(self):
        self.open_demo()
        self.type_pin("cashier@example.com", "9999")
        message = self.text_of("#sign-in-error")
        self.assertIn("Wrong PIN", message)
        self.assertIn("more wrong tries lock the account", message)
        self.assertEqual(self.text_of("#pin-display").strip(), "", "the pad is cleared")

    def test_2_a_cashier_scans_three_items_and_pays_cash(self):
        self.open_demo()
        self.type_pin("cashier@example.com", "1111")
        self.assertIn("Priya Shah", self.text_of("#user-name"))
        scan = self.wait_for("#scan")
        self.assertEqual(self.driver.switch_to.active_element, scan, "the scan field has the focus")
        for code in ["2000024333427", "PRO-001", "DAI-001"]:
            scan.send_keys(code + Keys.ENTER)
            WebDriverWait(self.driver, 5).until(
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

        with sqlite3.connect(os.path.join(DATA_DIR, "till.sqlite3")) as db:
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
        row.find_element(By.CSS_SELECTOR, ".delta").send_keys(str(delta))
        row.find_element(By.CSS_SELECTOR, ".reason").send_keys(reason)
        row.find_element(By.CSS_SELECTOR, ".save").click()

    def stock_of(self, sku):
        row = self.wait_for(f'tr.product[data-sku="{sku}"]')
        return int(row.find_element(By.CSS_SELECTOR, ".stock-count").text)

    def test_3_a_cashier_is_refused_a_stock_correction(self):
        self.open_demo()
        self.type_pin("cashier@example.com", "1111")
        self.wait_for("#nav-stock").click()
        before = self.stock_of("DAI-001")
        self.adjust("DAI-001", -1, "damaged")
        message = self.text_of("#stock-error")
        self.assertIn("Priya Shah is not allowed to", message)
        self.assertIn("Ask a manager", message)
        self.assertEqual(self.stock_of("DAI-001"), before, "nothing changed")

    def test_4_a_manager_corrects_stock_and_the_low_stock_notification_appears(self):
        self.open_demo()
        self.type_pin("manager@example.com", "2345")
        self.driver.find_element(By.TAG_NAME, "body").send_keys(Keys.F3)
        before = self.stock_of("DAI-001")
        threshold = int(
            self.wait_for('tr.product[data-sku="DAI-001"]').find_elements(By.CSS_SELECTOR, "td.num")[1].text
        )
        self.adjust("DAI-001", threshold - before, "recount")
        self.assertIn(f"now {threshold} in stock", self.text_of("#stock-saved"))
        self.assertEqual(self.stock_of("DAI-001"), threshold)
        self.wait_for("#stock-filter").clear()
        self.wait_for("#low-only").click()
        WebDriverWait(self.driver, 5).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, 'tr.product[data-sku="DAI-001"]')
            and len(d.find_elements(By.CSS_SELECTOR, "tr.product")) < 100
        )
        self.screenshot("stock")
        self.assertGreaterEqual(int(self.text_of("#unread")), 1)
        self.wait_for("#nav-notifications").click()
        notes = self.text_of("#notifications")
        self.assertIn(f"is down to {threshold}", notes)
        self.assertIn("Low stock: Whole Milk 1 gal, Store Brand", notes)


if __name__ == "__main__":
    unittest.main()

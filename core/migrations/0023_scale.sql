-- Schema 23: the till's counter scale, beside its printer: the serial port it is on, the
-- protocol it speaks (`toledo-8217`, `mt-sics`), its speed and the unit it weighs in.
-- A till's own setting, never synced. No row: the till has no scale.
CREATE TABLE scale_settings (
    id                    INTEGER PRIMARY KEY CHECK (id = 1),
    port                  TEXT NOT NULL CHECK (port <> ''),
    protocol              TEXT NOT NULL,
    baud                  INTEGER NOT NULL CHECK (baud > 0),
    unit                  TEXT NOT NULL CHECK (unit IN ('kg', 'lb')),
    updated_at            TEXT NOT NULL
);

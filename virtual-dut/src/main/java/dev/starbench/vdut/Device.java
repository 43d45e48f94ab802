package dev.starbench.vdut;

import dev.starbench.vdut.jtag.DebugPort;
import dev.starbench.vdut.contract.GpioWire;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The device's inputs (supply and buttons) and its running firmware. The device runs while it has
 * power and its reset line is released; any other state stops it at once. Its debug port follows the
 * supply alone: a reset line held low stops the CPU, not the debug logic. Holding the factory-reset
 * button for {@link #FACTORY_RESET_HOLD_MS} while it runs erases the owner's data and restarts it.
 */
final class Device implements Board {
    static final String RESET = "reset";
    /** A long press, as on most consumer devices; a shorter one does nothing. */
    static final long FACTORY_RESET_HOLD_MS = 3000;

    private final OutputStream uart;
    private final Firmware.Factory firmware;
    private final NetworkSide network;
    private final DebugPort debugPort;
    private final Supplier<Accounts> accounts;
    private final Map<String, Boolean> pressed = new HashMap<>();
    private boolean powered;
    private boolean closed;
    private Session session;
    /** The account database of the running firmware; its factory reset is the button's. */
    private Accounts booted;
    private int boots;
    /** Counts presses of the factory-reset button, so a timer knows whether its press still lasts. */
    private long press;

    /**
     * @param debugPort null when no probe is wired to the device
     * @param accounts  the account database as it is at power-on (failures and locks start afresh)
     */
    Device(OutputStream uart, Firmware.Factory firmware, NetworkSide network, DebugPort debugPort, Supplier<Accounts> accounts) {
        this.uart = uart;
        this.firmware = firmware;
        this.network = network;
        this.debugPort = debugPort;
        this.accounts = accounts;
    }

    synchronized void power(boolean on) {
        if (powered != on) {
            System.err.println("vdut: power " + (on ? "ON" : "OFF"));
            powered = on;
            if (debugPort != null) {
                debugPort.power(on);
            }
            update();
        }
    }

    synchronized void button(String name, boolean down) {
        Boolean was = pressed.put(name, down);
        if (was == null ? down : was != down) {
            System.err.println("vdut: button " + name + (down ? " pressed" : " released"));
            if (name.equals(GpioWire.FACTORY_RESET)) {
                press++;
                if (down && session != null) {
                    awaitLongPress(press);
                }
            }
            update();
        }
    }

    @Override
    public synchronized boolean held(String input) {
        return pressed.getOrDefault(input, false);
    }

    @Override
    public synchronized void reboot(String why) {
        if (session == null) {
            return;
        }
        System.err.println("vdut: reboot: " + why);
        session.kill();
        session = null;
        network.powerOff();
        update();
    }

    private void awaitLongPress(long which) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(FACTORY_RESET_HOLD_MS);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                if (press != which || session == null) {
                    return;
                }
                System.err.println("vdut: factory-reset button held " + FACTORY_RESET_HOLD_MS + " ms: erasing the owner's data");
                try {
                    session.println("");
                    session.println("factory-reset: button held: erasing user data and restarting");
                } catch (InterruptedException | java.io.IOException e) {
                    // the line is lost, the reset goes on
                }
                try {
                    booted.factoryReset();
                } catch (java.io.IOException e) {
                    System.err.println("vdut: factory reset failed: " + e.getMessage());
                }
                reboot("factory reset");
            }
        }, "vdut-factory-reset-button");
        t.setDaemon(true);
        t.start();
    }

    synchronized boolean isRunning() {
        return session != null;
    }

    /** Received bytes go to the running firmware; with the device stopped they are lost, as on a dead UART. */
    void received(byte[] buf, int n) {
        Session s;
        synchronized (this) {
            s = session;
        }
        if (s != null) {
            s.received(buf, n);
        }
    }

    synchronized void close() {
        closed = true;
        if (debugPort != null) {
            debugPort.power(false);
        }
        update();
    }

    private void update() {
        boolean shouldRun = powered && !closed && !pressed.getOrDefault(RESET, false);
        if (shouldRun && session == null) {
            session = new Session(uart);
            booted = accounts.get();
            session.run("vdut-boot-" + (++boots), firmware.create(this, booted));
            network.powerOn(this, booted);
        } else if (!shouldRun && session != null) {
            session.kill();
            session = null;
            network.powerOff();
        }
    }
}

package dev.starbench.vdut;

import dev.starbench.vdut.jtag.DebugPort;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The device's inputs (supply and buttons) and its running firmware. The device runs while it has
 * power and its reset line is released; any other state stops it at once. Its debug port follows the
 * supply alone: a reset line held low stops the CPU, not the debug logic.
 */
final class Device {
    static final String RESET = "reset";

    private final OutputStream uart;
    private final Firmware.Factory firmware;
    private final NetworkSide network;
    private final DebugPort debugPort;
    private final Supplier<Accounts> accounts;
    private final Map<String, Boolean> pressed = new HashMap<>();
    private boolean powered;
    private boolean closed;
    private Session session;
    private int boots;

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
            update();
        }
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
            Accounts booted = accounts.get();
            session.run("vdut-boot-" + (++boots), firmware.create(booted));
            network.powerOn(booted);
        } else if (!shouldRun && session != null) {
            session.kill();
            session = null;
            network.powerOff();
        }
    }
}

package dev.starbench.vdut;

import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * The device's inputs (supply and buttons) and its running firmware. The device runs while it has
 * power and its reset line is released; any other state stops it at once.
 */
final class Device {
    static final String RESET = "reset";

    private final OutputStream uart;
    private final Firmware.Factory firmware;
    private final NetworkSide network;
    private final Map<String, Boolean> pressed = new HashMap<>();
    private boolean powered;
    private boolean closed;
    private Session session;
    private int boots;

    Device(OutputStream uart, Firmware.Factory firmware, NetworkSide network) {
        this.uart = uart;
        this.firmware = firmware;
        this.network = network;
    }

    synchronized void power(boolean on) {
        if (powered != on) {
            System.err.println("vdut: power " + (on ? "ON" : "OFF"));
            powered = on;
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
        update();
    }

    private void update() {
        boolean shouldRun = powered && !closed && !pressed.getOrDefault(RESET, false);
        if (shouldRun && session == null) {
            session = new Session(uart);
            session.run("vdut-boot-" + (++boots), firmware.create());
            network.powerOn();
        } else if (!shouldRun && session != null) {
            session.kill();
            session = null;
            network.powerOff();
        }
    }
}

package dev.starbench.bench.serial;

import com.fazecast.jSerialComm.SerialPort;
import dev.starbench.bench.BenchIoException;
import dev.starbench.config.Fixture;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Finds the fixture's console adapter among those attached, by path, USB serial number or USB port location. */
public final class Adapters {
    /** One attached adapter as jSerialComm reports it. */
    public record Adapter(String path, String description, String usbSerial, String usbLocation, int vendorId, int productId) {
        @Override
        public String toString() {
            return String.format("%s  %s  serial=%s  location=%s  usb=%04x:%04x", path, description,
                    usbSerial.isEmpty() ? "-" : usbSerial, usbLocation.isEmpty() ? "-" : usbLocation, vendorId, productId);
        }
    }

    private Adapters() {
    }

    public static List<Adapter> attached() {
        return Arrays.stream(SerialPort.getCommPorts())
                .map(p -> new Adapter(p.getSystemPortPath(), p.getDescriptivePortName(), blankIfNull(p.getSerialNumber()),
                        blankIfNull(p.getPortLocation()), p.getVendorID(), p.getProductID()))
                .toList();
    }

    /** The path to open now; a fixture path is taken as it is (pseudo-terminals are never listed). */
    public static String resolve(Fixture.Serial serial) throws BenchIoException {
        if (serial.path() != null) {
            return serial.path();
        }
        return find(serial).orElseThrow(() -> new BenchIoException("serial adapter " + describe(serial)
                + " is not attached; attached: " + attachedSummary()));
    }

    /** The adapter's current path, if it is attached. */
    public static Optional<String> find(Fixture.Serial serial) {
        if (serial.path() != null) {
            return java.nio.file.Files.exists(java.nio.file.Path.of(serial.path())) ? Optional.of(serial.path()) : Optional.empty();
        }
        return attached().stream()
                .filter(a -> serial.usbSerial() != null ? a.usbSerial().equals(serial.usbSerial()) : a.usbLocation().equals(serial.usbLocation()))
                .map(Adapter::path)
                .findFirst();
    }

    public static String describe(Fixture.Serial serial) {
        return serial.path() != null ? serial.path()
                : serial.usbSerial() != null ? "with USB serial number " + serial.usbSerial()
                : "at USB port location " + serial.usbLocation();
    }

    private static String attachedSummary() {
        List<Adapter> all = attached();
        return all.isEmpty() ? "none (`starbench ports` lists them)" : all.stream().map(Adapter::toString).collect(Collectors.joining("; "));
    }

    private static String blankIfNull(String s) {
        return s == null ? "" : s.strip();
    }
}

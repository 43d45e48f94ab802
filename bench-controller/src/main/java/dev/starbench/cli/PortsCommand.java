package dev.starbench.cli;

import dev.starbench.bench.serial.Adapters;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "ports", description = "List the serial adapters attached, with the USB serial number and port location a fixture can name them by.")
final class PortsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        List<Adapters.Adapter> all = Adapters.attached();
        if (all.isEmpty()) {
            System.out.println("no serial adapters attached (pseudo-terminals are not listed; a fixture names those by path)");
        }
        for (Adapters.Adapter a : all) {
            System.out.println(a);
        }
        System.out.println("In a fixture: serial: { usb-serial: SERIAL } or { usb-location: LOCATION } or { path: PATH }");
        return 0;
    }
}

package dev.starbench.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The files a fixture or profile names, checked when it is loaded so `validate` fails where a run
 * would: each must be a regular file within its size limit ({@link InputFile}). A file the bench
 * reads but never makes must exist; a file the bench makes on first use may be absent, by the same
 * rule that makes it, so the shipped virtual profiles validate on a fresh machine:
 * <ul>
 * <li>the fixture's {@code signing-key} (the bench key is made when missing);</li>
 * <li>{@code virtual-dut.jar} (scripts/starbench builds it);</li>
 * <li>a QEMU drive with {@code create-size-mb};</li>
 * <li>the profile's lab CA, when neither {@code ca-cert} nor {@code ca-key} exists (bench/net/LabCa);</li>
 * <li>the virtual DUT's factory firmware: {@code firmware.image}, {@code firmware.signing-key} and
 *     {@code simulation.ota.trusted-key}, when a profile names all three and none exists
 *     (bench/virtual/VirtualFirmware);</li>
 * <li>the device CA that provisions virtual units, {@code network.cloud.device-identity.ca-cert} and
 *     {@code simulation.identity.ca-key}, when neither exists (bench/virtual/VirtualIdentity).</li>
 * </ul>
 */
final class ReferencedFiles {
    private ReferencedFiles() {
    }

    static void check(Fixture f) {
        mayBeMade(f.signingKey(), InputFile.Kind.KEY, "signing-key");
        if (f.cloudBroker() != null) {
            mustExist(f.cloudBroker().caCert(), InputFile.Kind.CERTIFICATE, "cloud-broker", "ca-cert");
        }
        if (f.labBroker() != null) {
            mustExist(f.labBroker().caCert(), InputFile.Kind.CERTIFICATE, "lab-broker", "ca-cert");
            mustExist(f.labBroker().clientCert(), InputFile.Kind.CERTIFICATE, "lab-broker", "client-cert");
            mustExist(f.labBroker().clientKey(), InputFile.Kind.KEY, "lab-broker", "client-key");
            mustExist(f.labBroker().passwordFile(), InputFile.Kind.SECRET, "lab-broker", "password-file");
        }
        if (f.power().settings() instanceof PowerConfig.MqttPlug plug) {
            mustExist(plug.broker().caCert(), InputFile.Kind.CERTIFICATE, "power", "mqtt-plug", "ca-cert");
        }
        if (f.virtualDut() != null) {
            mayBeMade(f.virtualDut().jar(), null, "virtual-dut", "jar");
        }
        if (f.qemu() != null) {
            mustExist(f.qemu().firmware(), null, "qemu", "firmware");
            List<Fixture.Drive> drives = f.qemu().drives();
            for (int i = 0; i < drives.size(); i++) {
                Fixture.Drive d = drives.get(i);
                if (d.createMb() != null) {
                    mayBeMade(d.file(), null, "qemu", "drives", i, "file");
                } else {
                    mustExist(d.file(), null, "qemu", "drives", i, "file");
                }
            }
        }
    }

    static void check(DeviceProfile p) {
        Network.Cloud cloud = p.network() == null ? null : p.network().cloud();
        if (cloud != null && cloud.caCert() != null) {
            boolean made = !Files.exists(cloud.caCert()) && !Files.exists(cloud.caKey());
            if (!made) {
                mustExist(cloud.caCert(), InputFile.Kind.CERTIFICATE, "network", "cloud", "ca-cert");
                mustExist(cloud.caKey(), InputFile.Kind.KEY, "network", "cloud", "ca-key");
            }
        }
        DeviceIdentity identity = cloud == null ? null : cloud.deviceIdentity();
        if (identity != null && identity.caCert() != null) {
            SimulatedIdentity unit = p.simulation() == null ? null : p.simulation().identity();
            boolean made = unit != null && !Files.exists(identity.caCert()) && !Files.exists(unit.caKey());
            if (!made) {
                mustExist(identity.caCert(), InputFile.Kind.CERTIFICATE, "network", "cloud", "device-identity", "ca-cert");
                if (unit != null) {
                    mustExist(unit.caKey(), InputFile.Kind.KEY, "simulation", "identity", "ca-key");
                }
            }
        }
        Firmware fw = p.firmware();
        SimulatedOta ota = p.simulation() == null ? null : p.simulation().ota();
        boolean factoryMade = fw != null && ota != null && fw.signingKey() != null && !Files.exists(fw.image())
                && !Files.exists(fw.signingKey()) && !Files.exists(ota.trustedKey());
        if (fw != null && !factoryMade) {
            mustExist(fw.image(), InputFile.Kind.FIRMWARE, "firmware", "image");
            mustExist(fw.signingKey(), InputFile.Kind.KEY, "firmware", "signing-key");
        }
        if (fw != null) {
            mustExist(fw.newerImage(), InputFile.Kind.FIRMWARE, "firmware", "newer-image");
            mustExist(fw.olderImage(), InputFile.Kind.FIRMWARE, "firmware", "older-image");
        }
        if (ota != null && !factoryMade) {
            mustExist(ota.trustedKey(), InputFile.Kind.KEY, "simulation", "ota", "trusted-key");
        }
        if (p.debugPort() != null) {
            mustExist(p.debugPort().targetConfig(), null, "debug-port", "target-config");
        }
    }

    private static void mustExist(Path file, InputFile.Kind kind, Object... field) {
        if (file != null) {
            refuse(file, InputFile.problem(file, kind), field);
        }
    }

    private static void mayBeMade(Path file, InputFile.Kind kind, Object... field) {
        if (file != null && Files.exists(file)) {
            refuse(file, InputFile.problem(file, kind), field);
        }
    }

    private static void refuse(Path file, String problem, Object... field) {
        if (problem != null) {
            throw InvalidField.of(file + ": " + problem, field);
        }
    }
}

package dev.starbench.bench.mqtt;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.expectThrows;

import dev.starbench.bench.BenchIoException;
import dev.starbench.config.LabBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import org.testng.annotations.Test;

/**
 * The lab broker's password file as the publisher reads it when the run starts: within a password
 * file's limit and as UTF-8, like every secret file, named in the error and never echoed. (The loader
 * checks the file too; it may have changed since.)
 */
public class LabPublisherTest {
    private static final String SECRET = "lab-br0ker-s3cret";

    private static BenchIoException refused(Path passwordFile) {
        LabBroker broker = new LabBroker("broker.lab", 8883, null, null, null, "bench-7", passwordFile);
        return expectThrows(BenchIoException.class, () -> LabPublisher.start(broker, "starbench/bench-7/status",
                (topic, why) -> { }));
    }

    @Test
    public void aPasswordFileOverItsLimitOrNotUtf8IsRefusedWithoutItsContent() throws Exception {
        Path dir = Files.createTempDirectory("starbench-lab-publisher");
        Path big = Files.writeString(dir.resolve("big"), SECRET + "\n" + "#".repeat(64 * 1024));
        BenchIoException e = refused(big);
        assertEquals(e.getMessage(), "cannot read the lab broker's password file " + big
                + " (fixture lab-broker.password-file): too large: 65554 bytes, more than the 64 KiB a password file may have");

        Path latin1 = Files.write(dir.resolve("latin1"), (SECRET + "\u00e9\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        e = refused(latin1);
        assertEquals(e.getMessage(), "cannot read the lab broker's password file " + latin1
                + " (fixture lab-broker.password-file): not UTF-8 text");
        assertFalse(e.getMessage().contains(SECRET));
    }
}

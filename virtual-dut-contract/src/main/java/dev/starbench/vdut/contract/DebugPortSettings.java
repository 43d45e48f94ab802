package dev.starbench.vdut.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The simulation's {@code debug-port} object: where the device's JTAG port meets the bench's probe. The
 * probe is OpenOCD's {@code remote_bitbang} adapter, which connects to the device as a client: the
 * device listens on a loopback TCP port or on a unix socket (exactly one of the two).
 *
 * @param port       TCP port on 127.0.0.1, or null
 * @param socket     path of a unix socket, or null
 * @param idcode     what the TAP's IDCODE register holds (default 0x4ba00477, an ARM Cortex-M JTAG-DP)
 * @param flashImage a file whose bytes the device's flash holds from address 0 (its factory firmware);
 *                   null: a built-in image
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DebugPortSettings(
        @JsonProperty("port") Integer port,
        @JsonProperty("socket") String socket,
        @JsonProperty("idcode") Long idcode,
        @JsonProperty("flash-image") String flashImage) {

    public static final long DEFAULT_IDCODE = 0x4ba00477L;

    public DebugPortSettings {
        idcode = idcode == null ? DEFAULT_IDCODE : idcode;
    }
}

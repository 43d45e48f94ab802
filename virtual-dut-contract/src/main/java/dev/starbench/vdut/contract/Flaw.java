package dev.starbench.vdut.contract;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every weakness a simulated device can be told to have, by the name profiles use
 * ({@code simulation.flaws}). A simulated device need not implement every one: the virtual DUT
 * refuses, at start-up, a flaw it does not act out.
 */
public enum Flaw {
    @JsonProperty("root-console") ROOT_CONSOLE,
    @JsonProperty("default-password") DEFAULT_PASSWORD,
    @JsonProperty("bootloader-open") BOOTLOADER_OPEN,
    @JsonProperty("secret-in-bootlog") SECRET_IN_BOOTLOG,
    @JsonProperty("plaintext-mqtt") PLAINTEXT_MQTT,
    @JsonProperty("falls-back-to-plaintext") FALLS_BACK_TO_PLAINTEXT,
    @JsonProperty("trusts-any-cert") TRUSTS_ANY_CERT,
    @JsonProperty("ignores-hostname") IGNORES_HOSTNAME,
    @JsonProperty("accepts-expired") ACCEPTS_EXPIRED,
    @JsonProperty("allows-tls10") ALLOWS_TLS10,
    @JsonProperty("replayable-commands") REPLAYABLE_COMMANDS,
    @JsonProperty("anonymous-broker") ANONYMOUS_BROKER,
    @JsonProperty("telnet-open") TELNET_OPEN,
    @JsonProperty("accepts-unsigned") ACCEPTS_UNSIGNED,
    @JsonProperty("accepts-foreign-key") ACCEPTS_FOREIGN_KEY,
    @JsonProperty("skips-hash-check") SKIPS_HASH_CHECK,
    @JsonProperty("accepts-downgrade") ACCEPTS_DOWNGRADE,
    @JsonProperty("bricks-on-power-loss") BRICKS_ON_POWER_LOSS,
    @JsonProperty("ssh-default-password") SSH_DEFAULT_PASSWORD,
    /** The debug port's MEM-AP reads memory: no APPROTECT, no readout protection. */
    @JsonProperty("jtag-open") JTAG_OPEN,
    /** The debug port is fused off: the TAP is gone and TDO stays high. */
    @JsonProperty("jtag-fused") JTAG_FUSED,
    /** The cloud client presents no certificate, though the unit has one: user name and password only. */
    @JsonProperty("no-client-cert") NO_CLIENT_CERT,
    /** Every unit is provisioned with the same key pair (each with its own certificate over it). */
    @JsonProperty("shared-device-key") SHARED_DEVICE_KEY,
    /** The unit's certificate expired before the device shipped. */
    @JsonProperty("expired-device-cert") EXPIRED_DEVICE_CERT,
    /** The unit's private key is in the firmware image the maker supplies. */
    @JsonProperty("device-key-in-image") DEVICE_KEY_IN_IMAGE,
    /** libcoap's CoAP server answers anyone on UDP 5683 (the real-Linux DUT only). */
    @JsonProperty("coap-open") COAP_OPEN,
    @JsonProperty("web-default-password") WEB_DEFAULT_PASSWORD,
    @JsonProperty("no-login-delay") NO_LOGIN_DELAY,
    @JsonProperty("permanent-lockout") PERMANENT_LOCKOUT,
    @JsonProperty("user-enumeration") USER_ENUMERATION,
    @JsonProperty("password-change-ignored") PASSWORD_CHANGE_IGNORED,
    /**
     * Not a weakness: a change to the factory password, or to the one the account has now, is refused, as a
     * device that keeps a password history does. It makes the bench's restore after a credential change fail.
     */
    @JsonProperty("refuses-reused-password") REFUSES_REUSED_PASSWORD,
    @JsonProperty("loses-settings-on-power-cut") LOSES_SETTINGS_ON_POWER_CUT,
    @JsonProperty("bricks-on-early-power-cut") BRICKS_ON_EARLY_POWER_CUT,
    @JsonProperty("no-reconnect-backoff") NO_RECONNECT_BACKOFF,
    @JsonProperty("never-resumes") NEVER_RESUMES,
    @JsonProperty("reset-keeps-data") RESET_KEEPS_DATA;

    /**
     * The flaws of the identity the bench provisions a unit with: it acts them out in what it sends
     * ({@link NetworkSettings#cloudIdentity()}), so they need one.
     */
    public static final Set<Flaw> PROVISIONED_IDENTITY = Collections.unmodifiableSet(
            EnumSet.of(SHARED_DEVICE_KEY, EXPIRED_DEVICE_CERT, DEVICE_KEY_IN_IMAGE));

    /** The name in profiles and in the simulation JSON, e.g. {@code root-console}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Every name, comma-separated, for error messages. */
    public static String keys() {
        return Arrays.stream(values()).map(Flaw::key).collect(Collectors.joining(", "));
    }
}

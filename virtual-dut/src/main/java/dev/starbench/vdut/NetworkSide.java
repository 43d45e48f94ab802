package dev.starbench.vdut;

import dev.starbench.vdut.contract.Flaw;
import dev.starbench.vdut.contract.NetworkSettings;
import dev.starbench.vdut.contract.SimulationSettings;
import java.nio.file.Path;

/** Everything the device does on the network; it runs while the device has power, like the rest of it. */
final class NetworkSide {
    private final SimulationSettings sim;
    private final Ota ota;
    private final UserData userData;
    private final Path workDir;
    private CloudClient cloud;
    private Telnetd telnetd;
    private LocalBroker broker;
    private SshServerSide ssh;
    private WebAdmin web;

    /**
     * @param ota      null without an OTA agent; with transport mqtt its offers come through the cloud client
     * @param userData the owner's data, which the cloud reads and writes
     * @param workDir  the device's flash, where the SSH server keeps its host key from boot to boot
     */
    NetworkSide(SimulationSettings sim, Ota ota, UserData userData, Path workDir) {
        this.sim = sim;
        this.ota = ota;
        this.userData = userData;
        this.workDir = workDir;
    }

    /** @param accounts the account database of this power-on, behind every login surface and the cloud's reset */
    synchronized void powerOn(Board board, Accounts accounts) {
        NetworkSettings net = sim.network();
        if (net == null) {
            return;
        }
        if (net.cloudHost() != null) {
            cloud = new CloudClient(sim, ota != null && ota.overMqtt() ? ota : null, userData, accounts, board);
            cloud.start();
        }
        if (net.brokerPort() != null) {
            broker = new LocalBroker(sim, net.brokerPort());
            broker.start();
        }
        if (sim.has(Flaw.TELNET_OPEN) && net.telnetPort() != null) {
            telnetd = new Telnetd(net.telnetPort(), sim.hostname(), accounts);
            telnetd.start();
        }
        if (net.sshPort() != null) {
            ssh = new SshServerSide(net.sshPort(), workDir.resolve("ssh-host-key"), accounts);
            ssh.start();
        }
        if (net.httpPort() != null) {
            web = new WebAdmin(net.httpPort(), accounts);
            web.start();
        }
    }

    synchronized void powerOff() {
        if (cloud != null) {
            cloud.stop();
            cloud = null;
        }
        if (telnetd != null) {
            telnetd.stop();
            telnetd = null;
        }
        if (broker != null) {
            broker.stop();
            broker = null;
        }
        if (ssh != null) {
            ssh.stop();
            ssh = null;
        }
        if (web != null) {
            web.stop();
            web = null;
        }
    }
}

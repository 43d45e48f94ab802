package dev.starbench.vdut;

import dev.starbench.vdut.contract.Flaw;
import dev.starbench.vdut.contract.NetworkSettings;
import dev.starbench.vdut.contract.SimulationSettings;

/** Everything the device does on the network; it runs while the device has power, like the rest of it. */
final class NetworkSide {
    private final SimulationSettings sim;
    private final Ota ota;
    private final UserData userData;
    private CloudClient cloud;
    private Telnetd telnetd;
    private LocalBroker broker;

    /** @param ota null without an OTA agent; with transport mqtt its offers come through the cloud client */
    NetworkSide(SimulationSettings sim, Ota ota, UserData userData) {
        this.sim = sim;
        this.ota = ota;
        this.userData = userData;
    }

    synchronized void powerOn(Board board) {
        NetworkSettings net = sim.network();
        if (net == null) {
            return;
        }
        if (net.cloudHost() != null) {
            cloud = new CloudClient(sim, ota != null && ota.overMqtt() ? ota : null, userData, board);
            cloud.start();
        }
        if (net.brokerPort() != null) {
            broker = new LocalBroker(sim, net.brokerPort());
            broker.start();
        }
        if (sim.has(Flaw.TELNET_OPEN) && net.telnetPort() != null) {
            telnetd = new Telnetd(net.telnetPort(), sim.hostname());
            telnetd.start();
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
    }
}

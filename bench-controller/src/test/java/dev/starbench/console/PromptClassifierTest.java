package dev.starbench.console;

import static org.testng.Assert.assertEquals;

import dev.starbench.console.PromptClassifier.Stage;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

public class PromptClassifierTest {

    @DataProvider
    public Object[][] consoles() {
        return new Object[][] {
                {"", Stage.UNKNOWN},
                {"\r\nU-Boot 2024.01-vdut (Nov 01 2026)\r\nDRAM:  256 MiB\r\n", Stage.BOOTLOADER_BANNER},
                {"U-Boot 2023.04\r\nHit any key to stop autoboot:  2 ", Stage.AUTOBOOT_COUNTDOWN},
                {"U-Boot 2023.04\r\nHit any key to stop autoboot:  0 \r\n=> ", Stage.BOOTLOADER_PROMPT},
                {"U-Boot 2016.11\r\nU-Boot> ", Stage.BOOTLOADER_PROMPT},
                {"Autoboot in 3 seconds\r\nEnter autoboot password: ", Stage.BOOTLOADER_PASSWORD},
                {"=> boot\r\nStarting kernel ...\r\n\r\n[    0.000000] Booting Linux on physical CPU 0x0\r\n", Stage.KERNEL},
                {"[ 2.0] random: crng init done\r\nPlease press Enter to activate this console. ", Stage.ACTIVATE_CONSOLE},
                {"U-Boot 2024.01\r\nStarting kernel ...\r\nWelcome to Buildroot\r\nbuildroot login: ", Stage.LOGIN},
                {"vdut login: root\r\nPassword: ", Stage.PASSWORD},
                {"Login incorrect\r\nvdut login: ", Stage.LOGIN},
                {"BusyBox v1.36.1 built-in shell (ash)\r\n~ # ", Stage.SHELL},
                {"pi@raspberrypi:~ $ ", Stage.SHELL},
                {"\u001b]0;root@dut: ~\u0007\u001b[1;32mroot@dut\u001b[0m:\u001b[1;34m~\u001b[0m# \u001b[6n", Stage.SHELL},
                {"BusyBox v1.36.1 built-in shell (ash)\r\n~ # \u001b[6n", Stage.SHELL},
                {"Login incorrect\r\n\u001b[1mvdut login: \u001b[0m[   12.345678] random: crng init done\r\n", Stage.LOGIN},
                {"login[89]: invalid password for 'root'\r\n", Stage.UNKNOWN},
        };
    }

    @Test(dataProvider = "consoles")
    public void theLatestMarkerDecidesTheStage(String tail, Stage expected) {
        assertEquals(PromptClassifier.classify(tail), expected);
    }

    @Test
    public void passwdSaysChangedOnlyWhenItChangedThePassword() {
        assertEquals(Prompts.PASSWORD_CHANGED.matcher("passwd: password for root changed by root\r\n").find(), true);
        assertEquals(Prompts.PASSWORD_CHANGED.matcher("passwd: password updated successfully\r\n").find(), true);
        assertEquals(Prompts.PASSWORD_CHANGED.matcher("passwd: password unchanged\r\n").find(), false);
    }
}

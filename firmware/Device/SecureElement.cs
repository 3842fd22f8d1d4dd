using System.Threading;
using AssetMeter.Firmware.Text;
using AssetMeter.Hardware.Atecc608;
using AssetMeter.Hardware.Bus;
using AssetMeter.Hardware.Metering;

namespace AssetMeter.Firmware.Device
{
    /// <summary>
    /// Brings up the ATECC608 that signs the meter's records: wakes it by a general call, checks that it is an
    /// ATECC608 with both zones locked, and logs its serial number and the public key the collector must register.
    /// </summary>
    /// <remarks>
    /// <para>The wake is the portable <see cref="GeneralCallWake"/> over a second I2C device opened at address 0x00 on
    /// the chip's bus at 100 kHz: the general-call address byte holds SDA low for eight bit times (80 µs), more than
    /// the 60 µs the chip needs. Neither nanoFramework's I2cConnectionSettings nor its ESP32 native code checks the
    /// address (the native code sends <c>address &lt;&lt; 1</c> as it is), and opening a second device on a bus
    /// reserves no pins, so the general call is expected to work; it has not been tried on a chip (see
    /// hardware/Atecc608/README.md). The alternative, driving SDA low as a GPIO, would mean taking the pin away from
    /// the I2C peripheral and giving it back around every operation, which nanoFramework only does by reopening the
    /// bus, so it is not used.</para>
    /// <para>nanoFramework sets the clock of a whole I2C bus from the last device opened on it, so every device on the
    /// secure element's bus must be opened at 100 kHz; the boards give it a bus of its own.</para>
    /// </remarks>
    internal static class SecureElement
    {
        private const int Attempts = 5;
        private const int RetryMilliseconds = 200;
        private const byte Atecc608DeviceType = 0x60;

        /// <summary>
        /// A driver for the chip, checked; or null with <paramref name="problem"/> saying why the meter cannot sign
        /// with it (absent, not an ATECC608, unlocked, no public key in slot 0).
        /// </summary>
        public static Atecc608 Open(IBusDevice chip, IBusDevice generalCall, IDriverClock clock, int address, out string problem)
        {
            problem = null;
            Atecc608 driver = new Atecc608(chip, new GeneralCallWake(generalCall), clock);
            string where = "ATECC608 at I2C address 0x" + Hex.Encode(new byte[] { (byte)address }, 0, 1);

            byte[] revision = new byte[Atecc608.RevisionLength];
            Atecc608Status status = Atecc608Status.WakeFailed;
            for (int attempt = 0; attempt < Attempts && status != Atecc608Status.Ok; attempt++)
            {
                if (attempt > 0)
                {
                    Thread.Sleep(RetryMilliseconds);
                }

                status = driver.ReadRevision(revision, 0);
            }

            if (status != Atecc608Status.Ok)
            {
                problem = where + " does not answer (Atecc608Status " + ((int)status).ToString() + ", bus " + ((int)driver.LastBusStatus).ToString()
                    + "): check atecc608_address in meter.conf, the wiring and the bus pins";
                return null;
            }

            if (revision[2] != Atecc608DeviceType)
            {
                problem = where + " answered with revision " + Hex.Encode(revision, 0, revision.Length) + ", which is not an ATECC608";
                return null;
            }

            bool configLocked;
            bool dataLocked;
            status = driver.ReadLockState(out configLocked, out dataLocked);
            if (status != Atecc608Status.Ok)
            {
                problem = where + ": lock state unreadable (Atecc608Status " + ((int)status).ToString() + ")";
                return null;
            }

            if (!configLocked || !dataLocked)
            {
                // An unlocked data zone means the signing key could still be replaced: records signed with it prove nothing.
                problem = where + " is not provisioned: configuration zone " + (configLocked ? "locked" : "UNLOCKED") + ", data zone "
                    + (dataLocked ? "locked" : "UNLOCKED") + " (provision and lock it first, see hardware/Atecc608/README.md)";
                return null;
            }

            byte[] serial = new byte[Atecc608.SerialNumberLength];
            if (driver.ReadSerialNumber(serial, 0) == Atecc608Status.Ok)
            {
                Log.Write("Secure element: ATECC608" + (revision[3] <= 0x02 ? "A" : "B") + ", serial " + Hex.Encode(serial, 0, serial.Length));
            }

            byte[] publicKey = new byte[1 + Atecc608.PublicKeyLength];
            publicKey[0] = 0x04;
            status = driver.ReadPublicKey(0, publicKey, 1);
            if (status != Atecc608Status.Ok)
            {
                problem = where + ": no public key for slot 0 (Atecc608Status " + ((int)status).ToString() + ")";
                return null;
            }

            Log.Write("Secure element: meter public key (register it with the collector): " + Hex.Encode(publicKey, 0, publicKey.Length));
            return driver;
        }
    }
}

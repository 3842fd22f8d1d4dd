using System;
using AssetMeter.Hardware.Bus;

namespace AssetMeter.Hardware.Atecc608
{
    /// <summary>
    /// Wakes an ATECC608 with a write to the I2C general-call address 0x00: the address byte is eight zero bits, so
    /// SDA stays low for eight SCL periods, 80 µs at 100 kHz, which exceeds tWLO (60 µs). The chip cannot tell this
    /// from a deliberate low pulse. Nobody normally acknowledges the general call, so a NACK is the expected outcome.
    /// </summary>
    /// <remarks>
    /// The shell opens an <see cref="IBusDevice"/> at address 0x00 on the chip's bus, clocked at 100 kHz or slower
    /// (above about 133 kHz the eight zero bits last less than 60 µs). The byte written after the address is 0x01,
    /// as CryptoAuthLib writes it (calib_wakeup_i2c), so that a device that does acknowledge general calls does not
    /// read it as a reset (0x06) or an address change (0x04); it is normally never clocked out because the address
    /// byte is not acknowledged.
    /// </remarks>
    public sealed class GeneralCallWake : IAtecc608Wake
    {
        private readonly IBusDevice _generalCall;
        private readonly byte[] _payload = new byte[] { 0x01 };

        /// <summary>Uses <paramref name="generalCall"/>, a device opened at address 0x00 on the chip's bus at 100 kHz or slower.</summary>
        public GeneralCallWake(IBusDevice generalCall)
        {
            if (generalCall == null)
            {
                throw new ArgumentNullException("generalCall");
            }

            _generalCall = generalCall;
        }

        /// <inheritdoc />
        public BusStatus SendWakePulse()
        {
            BusStatus status = _generalCall.Write(_payload, 0, 1);
            return status == BusStatus.NotAcknowledged ? BusStatus.Ok : status;
        }
    }
}

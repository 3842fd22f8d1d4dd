using System;
using System.Device.I2c;
using AssetMeter.Firmware.Clock;

namespace AssetMeter.Firmware.Host
{
    /// <summary>
    /// The meter's <see cref="IRealTimeClock"/> on Linux: dotnet/iot's own DS3231 driver (Iot.Device.Rtc.Ds3231, package
    /// Iot.Device.Bindings 4.2.0) over an <see cref="I2cDevice"/>, which is /dev/i2c-N on a Linux board or the register-map
    /// emulator (hardware/Ds3231/Emulator) in tests.
    /// </summary>
    /// <remarks>
    /// The driver reads and writes the time registers (00h-06h in one transfer each way, 24-hour form, century bit set for
    /// 2000-2099) and treats the time as having no zone: the meter keeps UTC in it and uses <c>RtcDateTime</c>, never the
    /// driver's local-time <c>DateTime</c>. It has no API for the status register's oscillator-stop flag (OSF) nor for the
    /// aging offset, so this adapter reads and writes those two registers itself through the same I2cDevice: status 0Fh
    /// bit 7, cleared after every set (the chip clears it only when written 0), and aging 10h, a signed byte.
    /// </remarks>
    public sealed class Ds3231Clock : IRealTimeClock, IDisposable
    {
        /// <summary>DS3231's stated accuracy from 0 to 40 °C: ±2 ppm.</summary>
        public const int Ds3231TolerancePpm = 2;

        private const byte StatusRegister = 0x0F;
        private const byte AgingRegister = 0x10;
        private const byte OscillatorStopFlag = 0x80;

        private readonly I2cDevice _device;
        private readonly Iot.Device.Rtc.Ds3231 _driver;
        private readonly byte[] _one = new byte[1];
        private readonly byte[] _two = new byte[2];

        public Ds3231Clock(I2cDevice device)
        {
            _device = device;
            _driver = new Iot.Device.Rtc.Ds3231(device);
        }

        /// <summary>Opens a DS3231 on a Linux I2C bus (/dev/i2c-<paramref name="busId"/>) at <paramref name="address"/> (0x68).</summary>
        public static Ds3231Clock Open(int busId, int address) =>
            new(I2cDevice.Create(new I2cConnectionSettings(busId, address)));

        /// <summary>Parses "ds3231:/dev/i2c-1:0x68" (the address may be left out: 0x68).</summary>
        public static bool TryParse(string text, out int busId, out int address)
        {
            busId = -1;
            address = Iot.Device.Rtc.Ds3231.DefaultI2cAddress;
            var parts = text.Split(':');
            const string BusPrefix = "/dev/i2c-";
            if (parts.Length < 2 || parts.Length > 3 || parts[0] != "ds3231" || !parts[1].StartsWith(BusPrefix, StringComparison.Ordinal)
                || !int.TryParse(parts[1][BusPrefix.Length..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out busId))
            {
                return false;
            }

            if (parts.Length == 3)
            {
                var hex = parts[2].StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? parts[2][2..] : parts[2];
                if (!int.TryParse(hex, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out address) || address < 0x08 || address > 0x77)
                {
                    return false;
                }
            }

            return true;
        }

        public int TolerancePpm => Ds3231TolerancePpm;

        public bool Read(out long utcTicks, out bool oscillatorStopped)
        {
            utcTicks = 0;
            oscillatorStopped = false;
            try
            {
                utcTicks = _driver.RtcDateTime.Ticks;
                oscillatorStopped = (ReadRegister(StatusRegister) & OscillatorStopFlag) != 0;
                return true;
            }
            catch (Exception e) when (e is System.IO.IOException || e is ArgumentException || e is UnauthorizedAccessException)
            {
                // A NACK or a bus error (IOException), or registers that are not a date (the driver's DateTime throws).
                return false;
            }
        }

        public bool Set(long utcTicks)
        {
            try
            {
                _driver.RtcDateTime = new DateTime(utcTicks, DateTimeKind.Utc);
                byte status = ReadRegister(StatusRegister);
                WriteRegister(StatusRegister, (byte)(status & ~OscillatorStopFlag));
                return true;
            }
            catch (Exception e) when (e is System.IO.IOException || e is ArgumentException || e is UnauthorizedAccessException)
            {
                return false;
            }
        }

        public bool ReadAgingOffset(out int offset)
        {
            offset = 0;
            try
            {
                offset = (sbyte)ReadRegister(AgingRegister);
                return true;
            }
            catch (Exception e) when (e is System.IO.IOException || e is UnauthorizedAccessException)
            {
                return false;
            }
        }

        public bool WriteAgingOffset(int offset)
        {
            if (offset < -128 || offset > 127)
            {
                return false;
            }

            try
            {
                WriteRegister(AgingRegister, (byte)(sbyte)offset);
                return true;
            }
            catch (Exception e) when (e is System.IO.IOException || e is UnauthorizedAccessException)
            {
                return false;
            }
        }

        /// <summary>The die temperature through the driver, °C (the DS3231 compensates its crystal with it).</summary>
        /// <remarks>
        /// dotnet/iot 4.2.0 adds the two's-complement MSB (11h) as an unsigned byte, so below 0 °C it reads 256 too high;
        /// no DS3231 reads above 127 °C, so such a value is taken back by 256.
        /// </remarks>
        public double TemperatureCelsius
        {
            get
            {
                double reading = _driver.Temperature.DegreesCelsius;
                return reading >= 128 ? reading - 256 : reading;
            }
        }

        public void Dispose() => _driver.Dispose();

        private byte ReadRegister(byte register)
        {
            _device.WriteByte(register);
            _device.Read(_one);
            return _one[0];
        }

        private void WriteRegister(byte register, byte value)
        {
            _two[0] = register;
            _two[1] = value;
            _device.Write(_two);
        }
    }
}

using System;
using System.Device.I2c;
using AssetMeter.Firmware.Clock;

namespace AssetMeter.Firmware.Device
{
    /// <summary>
    /// The meter's <see cref="IRealTimeClock"/> on the ESP32: nanoFramework.IoT.Device's DS3231 binding
    /// (Iot.Device.Rtc.Ds3231, package nanoFramework.Iot.Device.Rtc) over the board's I2C bus, as the Linux shell uses
    /// dotnet/iot's binding of the same name (firmware/Host/Ds3231Clock.cs).
    /// </summary>
    /// <remarks>
    /// Written from the binding's public source (devices/Rtc/Devices/Ds3231/Ds3231.cs and RtcBase.cs): its
    /// <c>DateTime</c> property reads registers 00h-06h in one transfer and writes them in one (24-hour form, century bit
    /// for 2000-2099); it ignores the transfer results, so a chip that does not answer reads as zeros and the DateTime
    /// constructor throws, which is caught here. It has no API for the oscillator-stop flag (status 0Fh bit 7) or the
    /// aging offset (10h): this adapter reads and writes those registers itself through the same I2cDevice and checks
    /// every transfer it makes. Device-only; not compiled on the host.
    /// </remarks>
    internal sealed class Ds3231Clock : IRealTimeClock
    {
        /// <summary>The DS3231's fixed I2C address.</summary>
        public const int Address = 0x68;

        private const byte StatusRegister = 0x0F;
        private const byte AgingRegister = 0x10;
        private const byte OscillatorStopFlag = 0x80;

        private readonly I2cDevice _device;
        private readonly Iot.Device.Rtc.Ds3231 _driver;
        private readonly byte[] _address = new byte[1];
        private readonly byte[] _one = new byte[1];
        private readonly byte[] _two = new byte[2];

        public Ds3231Clock(I2cDevice device)
        {
            _device = device;
            _driver = new Iot.Device.Rtc.Ds3231(device);
        }

        /// <summary>DS3231: ±2 ppm from 0 to 40 °C.</summary>
        public int TolerancePpm
        {
            get { return 2; }
        }

        public bool Read(out long utcTicks, out bool oscillatorStopped)
        {
            utcTicks = 0;
            oscillatorStopped = false;
            int status;
            if (!ReadRegister(StatusRegister, out status))
            {
                return false;
            }

            try
            {
                utcTicks = _driver.DateTime.Ticks;
            }
            catch (Exception)
            {
                return false;
            }

            oscillatorStopped = (status & OscillatorStopFlag) != 0;
            return true;
        }

        public bool Set(long utcTicks)
        {
            try
            {
                _driver.DateTime = new DateTime(utcTicks);
            }
            catch (Exception)
            {
                return false;
            }

            int status;
            return ReadRegister(StatusRegister, out status) && WriteRegister(StatusRegister, status & ~OscillatorStopFlag);
        }

        public bool ReadAgingOffset(out int offset)
        {
            int raw;
            bool read = ReadRegister(AgingRegister, out raw);
            offset = raw >= 128 ? raw - 256 : raw;
            return read;
        }

        public bool WriteAgingOffset(int offset)
        {
            return offset >= -128 && offset <= 127 && WriteRegister(AgingRegister, offset & 0xFF);
        }

        private bool ReadRegister(byte register, out int value)
        {
            value = 0;
            _address[0] = register;
            try
            {
                I2cTransferResult result = _device.WriteRead(new SpanByte(_address), new SpanByte(_one));
                if (result.Status != I2cTransferStatus.FullTransfer)
                {
                    return false;
                }
            }
            catch (Exception)
            {
                return false;
            }

            value = _one[0];
            return true;
        }

        private bool WriteRegister(byte register, int value)
        {
            _two[0] = register;
            _two[1] = (byte)value;
            try
            {
                return _device.Write(new SpanByte(_two)).Status == I2cTransferStatus.FullTransfer;
            }
            catch (Exception)
            {
                return false;
            }
        }
    }
}

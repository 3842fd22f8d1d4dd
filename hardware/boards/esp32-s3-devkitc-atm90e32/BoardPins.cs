using System.Device.I2c;
using System.Device.Spi;
using AssetMeter.Hardware.Bus;
using AssetMeter.Hardware.Bus.NanoFramework;
using nanoFramework.Hardware.Esp32;

// An alias: inside AssetMeter.Firmware.*, a bare 'Configuration' would be the meter's configuration namespace.
using PinConfiguration = nanoFramework.Hardware.Esp32.Configuration;

namespace AssetMeter.Firmware.Device.Boards
{
    /// <summary>
    /// ESP32-S3-DevKitC-1 with an ATM90E32AS on SPI and, optionally, an ATECC608 breakout on I2C: the pins of
    /// README.md in this folder. Device-only: compiled into firmware/Device, never into the portable libraries.
    /// </summary>
    /// <remarks>
    /// nanoFramework maps no I2C or SPI pins by default on the ESP32-S3, so every bus pin must be assigned before the
    /// bus is opened (without it, SPI throws ArgumentException "pins not configured"). The SPI pins are the S3's
    /// FSPI IO_MUX pins (GPIO10 to 13).
    /// </remarks>
    internal sealed class Esp32S3DevKitCAtm90e32Board : IBoard
    {
        /// <summary>ATM90E32AS SDI: SPI1 MOSI.</summary>
        public const int IcMosiPin = 11;

        /// <summary>ATM90E32AS SDO: SPI1 MISO.</summary>
        public const int IcMisoPin = 13;

        /// <summary>ATM90E32AS SCLK: SPI1 clock.</summary>
        public const int IcClockPin = 12;

        /// <summary>ATM90E32AS CS, driven as a GPIO by nanoFramework (active low).</summary>
        public const int IcChipSelectPin = 10;

        /// <summary>nanoFramework SPI bus of the ATM90E32AS (1 = ESP-IDF SPI2_HOST); no other device on it.</summary>
        public const int IcBus = 1;

        /// <summary>
        /// SPI clock: 200 kHz, as CircuitSetup's library runs the chip (ESPHome uses 1 MHz). Slow enough for an
        /// isolator and a short cable between the boards; a 32-bit frame still takes only 160 µs.
        /// </summary>
        public const int IcClockHz = 200000;

        /// <summary>ATECC608 breakout SDA: I2C1 data.</summary>
        public const int SecureDataPin = 8;

        /// <summary>ATECC608 breakout SCL: I2C1 clock.</summary>
        public const int SecureClockPin = 9;

        /// <summary>nanoFramework I2C bus of the ATECC608, held at 100 kHz for the wake.</summary>
        public const int SecureBus = 1;

        /// <inheritdoc />
        public string Name
        {
            get { return "esp32-s3-devkitc-atm90e32"; }
        }

        /// <summary>None: the DevKitC-1's LED is an addressable RGB LED, not a plain GPIO.</summary>
        public int StatusLedPin
        {
            get { return -1; }
        }

        /// <inheritdoc />
        public IBusDevice OpenIc()
        {
            PinConfiguration.SetPinFunction(IcMosiPin, DeviceFunction.SPI1_MOSI);
            PinConfiguration.SetPinFunction(IcMisoPin, DeviceFunction.SPI1_MISO);
            PinConfiguration.SetPinFunction(IcClockPin, DeviceFunction.SPI1_CLOCK);

            // Mode 3 (clock idles high, data sampled on the rising edge), MSB first, as the chip requires.
            return NanoSpiBus.Open(IcBus, IcChipSelectPin, SpiMode.Mode3, IcClockHz);
        }

        /// <summary>
        /// The DS3231 shares I2C bus 1 (GPIO8/9) with the ATECC608, at its 100 kHz (the secure element's wake needs the
        /// bus at standard mode; the DS3231 ignores the general call the wake sends).
        /// </summary>
        public I2cDevice OpenRtc()
        {
            PinConfiguration.SetPinFunction(SecureDataPin, DeviceFunction.I2C1_DATA);
            PinConfiguration.SetPinFunction(SecureClockPin, DeviceFunction.I2C1_CLOCK);
            return new I2cDevice(new I2cConnectionSettings(SecureBus, Ds3231Clock.Address, I2cBusSpeed.StandardMode));
        }

        /// <inheritdoc />
        public void OpenSecureElement(int address, out IBusDevice chip, out IBusDevice generalCall)
        {
            PinConfiguration.SetPinFunction(SecureDataPin, DeviceFunction.I2C1_DATA);
            PinConfiguration.SetPinFunction(SecureClockPin, DeviceFunction.I2C1_CLOCK);
            chip = NanoI2cBus.Open(SecureBus, address, I2cBusSpeed.StandardMode);
            generalCall = NanoI2cBus.Open(SecureBus, 0x00, I2cBusSpeed.StandardMode);
        }
    }
}

using AssetMeter.Hardware.Bus;

namespace AssetMeter.Firmware.Device
{
    /// <summary>
    /// What the shell needs to know about a board: which pins carry the metering IC and the secure element, set up
    /// through nanoFramework.Hardware.Esp32.Configuration.SetPinFunction before each bus is opened. One class per
    /// reference board, in hardware/boards/&lt;board&gt;/BoardPins.cs next to its wiring notes, compiled only into the
    /// device application.
    /// </summary>
    internal interface IBoard
    {
        /// <summary>The board's name, as its folder in hardware/boards.</summary>
        string Name { get; }

        /// <summary>A GPIO driving a status LED (high = on), or -1 if the board has none.</summary>
        int StatusLedPin { get; }

        /// <summary>Assigns the metering IC's bus pins and opens the IC's bus device.</summary>
        /// <exception cref="System.Exception">A pin or bus could not be set up (nanoFramework throws ArgumentException,
        /// plain Exception or SpiDeviceAlreadyInUseException).</exception>
        IBusDevice OpenIc();

        /// <summary>
        /// Assigns the secure element's bus pins and opens the chip at <paramref name="address"/> and a general-call
        /// device (address 0x00) on the same bus, both at 100 kHz, for the wake.
        /// </summary>
        void OpenSecureElement(int address, out IBusDevice chip, out IBusDevice generalCall);

        /// <summary>
        /// Assigns the pins of the I2C bus the battery-backed DS3231 shares with another device of the board and opens it
        /// at 0x68, at that bus's speed (nanoFramework applies the last opened device's clock to the whole bus).
        /// </summary>
        System.Device.I2c.I2cDevice OpenRtc();
    }
}

namespace AssetMeter.Hardware.Bus
{
    /// <summary>
    /// One device on an I2C or SPI bus, as drivers see it: plain byte transfers on caller-owned arrays, with
    /// the outcome returned rather than thrown. Implementations: the nanoFramework adapters
    /// (hardware/Bus/NanoFramework), the Linux adapters over System.Device.Gpio (hardware/Bus/Linux), and
    /// the chip emulators.
    /// </summary>
    /// <remarks>
    /// Drivers allocate their buffers once and pass offsets, so a steady-state read allocates nothing.
    /// An implementation must not keep a reference to the arrays after returning.
    /// </remarks>
    public interface IBusDevice
    {
        /// <summary>Writes <paramref name="count"/> bytes from <paramref name="buffer"/> at <paramref name="offset"/>.</summary>
        BusStatus Write(byte[] buffer, int offset, int count);

        /// <summary>Reads <paramref name="count"/> bytes into <paramref name="buffer"/> at <paramref name="offset"/>.</summary>
        BusStatus Read(byte[] buffer, int offset, int count);

        /// <summary>
        /// Writes then reads as one transaction: on I2C a write, a repeated START and a read; on SPI the written
        /// bytes are clocked out and the read bytes clocked in after them with chip select held throughout.
        /// </summary>
        BusStatus WriteRead(byte[] writeBuffer, int writeOffset, int writeCount, byte[] readBuffer, int readOffset, int readCount);
    }
}

using AssetMeter.Hardware.Bus;
using AssetMeter.Hardware.Metering;

namespace AssetMeter.Hardware.Atm90e32
{
    /// <summary>The SPI framing and the verified reads and writes every operation is built from.</summary>
    public sealed partial class Atm90e32
    {
        /// <summary>Reads of LastSPIData allowed to find two observations of a word that agree.</summary>
        public const int MaximumConfirmReads = 4;

        /// <summary>Attempts at a write before it is reported as failed.</summary>
        public const int MaximumWriteAttempts = 3;

        /// <summary>Attempts at a transfer the bus reports as failed before the operation gives up.</summary>
        public const int MaximumBusAttempts = 3;

        /// <summary>
        /// One read frame: the address word (bit 15 set) clocked out, the 16-bit register clocked in, chip select
        /// held. Returns the bus status; the value is only meaningful when it is Ok.
        /// </summary>
        private BusStatus ReadFrame(int address, out int value)
        {
            int word = Atm90e32Register.ReadFlag | (address & Atm90e32Register.AddressMask);
            _tx[0] = (byte)(word >> 8);
            _tx[1] = (byte)word;
            BusStatus status = _bus.WriteRead(_tx, 0, 2, _rx, 0, 2);
            value = status == BusStatus.Ok ? (_rx[0] << 8) | _rx[1] : 0;
            return status;
        }

        /// <summary>One write frame: the address word (bit 15 clear) then the data word, MSB first.</summary>
        private BusStatus WriteFrame(int address, int value)
        {
            int word = address & Atm90e32Register.AddressMask;
            _tx[0] = (byte)(word >> 8);
            _tx[1] = (byte)word;
            _tx[2] = (byte)(value >> 8);
            _tx[3] = (byte)value;
            return _bus.Write(_tx, 0, 4);
        }

        /// <summary>
        /// Establishes the word the chip last transferred: reads LastSPIData until one word has been seen twice,
        /// counting <paramref name="first"/> (the register as read) when <paramref name="haveFirst"/>. Reads of
        /// LastSPIData do not change it, so a word flipped on the wire cannot win a second time.
        /// </summary>
        private IcStatus Establish(int register, int first, bool haveFirst, out int value)
        {
            int seen = 0;
            if (haveFirst)
            {
                _observations[seen++] = first;
            }

            int last = -1;
            bool anyTransfer = false;
            for (int i = 0; i < MaximumConfirmReads; i++)
            {
                int word;
                if (ReadFrame(Atm90e32Register.LastSPIData, out word) != BusStatus.Ok)
                {
                    continue;
                }

                anyTransfer = true;
                last = word;
                for (int j = 0; j < seen; j++)
                {
                    if (_observations[j] == word)
                    {
                        // More observations than the minimum means a word was damaged on the wire and outvoted.
                        if (seen > 1)
                        {
                            _recovered++;
                        }

                        value = word;
                        return IcStatus.Ok;
                    }
                }

                _observations[seen++] = word;
            }

            value = 0;
            if (!anyTransfer)
            {
                return _fault.Set(IcStatus.BusError, Atm90e32Register.LastSPIData, register, -1);
            }

            return _fault.Set(IcStatus.VerifyFailed, register, haveFirst ? first : -1, last);
        }

        /// <summary>Reads a register that a read does not change, confirmed through LastSPIData; retried on bus failure.</summary>
        private IcStatus ReadVerified(int address, out int value)
        {
            IcStatus status = IcStatus.BusError;
            for (int attempt = 0; attempt < MaximumBusAttempts; attempt++)
            {
                int first;
                if (ReadFrame(address, out first) != BusStatus.Ok)
                {
                    status = _fault.Set(IcStatus.BusError, address, -1, -1);
                    continue;
                }

                status = Establish(address, first, true, out value);
                if (status == IcStatus.Ok)
                {
                    if (attempt > 0)
                    {
                        _recovered++;
                    }

                    return status;
                }
            }

            value = 0;
            return status;
        }

        /// <summary>
        /// Reads a register that the read clears (an energy register) without ever losing what it held. A
        /// marker read first puts a known word into LastSPIData. If the bus reports the read failed, LastSPIData
        /// tells whether the chip executed it: still the marker, it did not and the read is repeated; anything
        /// else is the value the chip sent (and cleared). A garbled value is recovered from LastSPIData, never by
        /// re-reading the cleared register. If it cannot be established the energy is lost and logged.
        /// </summary>
        /// <remarks>
        /// The marker is PLconstL (0xC468, 50,280 counts): an energy register can only hold that much after 5.6 s
        /// at 100 kW, far beyond the poll interval, so the marker cannot be mistaken for a reading.
        /// </remarks>
        private IcStatus ReadClearOnRead(int address, out int value)
        {
            value = 0;
            int marker;
            IcStatus status = ReadVerified(Atm90e32Register.PLconstL, out marker);
            if (status != IcStatus.Ok)
            {
                return status;
            }

            for (int attempt = 0; attempt < MaximumBusAttempts; attempt++)
            {
                int first;
                if (ReadFrame(address, out first) == BusStatus.Ok)
                {
                    return Establish(address, first, true, out value);
                }

                int last;
                status = Establish(address, 0, false, out last);
                if (status != IcStatus.Ok)
                {
                    // Whether the chip executed the read is unknown: its energy may be lost.
                    return _fault.Set(status, address, marker, -1);
                }

                _recovered++;
                if (last != marker)
                {
                    value = last;
                    return IcStatus.Ok;
                }
            }

            return _fault.Set(IcStatus.BusError, address, -1, -1);
        }

        /// <summary>
        /// Writes a register and proves it: LastSPIData must hold the word written (the chip received it intact)
        /// and the register must read back as that word (it went to the right address and was accepted, e.g.
        /// configuration access was open). Repeated up to <see cref="MaximumWriteAttempts"/> times.
        /// </summary>
        private IcStatus WriteVerified(int address, int value)
        {
            value &= 0xFFFF;
            IcStatus status = IcStatus.BusError;
            for (int attempt = 0; attempt < MaximumWriteAttempts; attempt++)
            {
                if (WriteFrame(address, value) != BusStatus.Ok)
                {
                    status = _fault.Set(IcStatus.BusError, address, value, -1);
                    continue;
                }

                int echoed;
                status = Establish(address, 0, false, out echoed);
                if (status != IcStatus.Ok)
                {
                    continue;
                }

                if (echoed != value)
                {
                    status = _fault.Set(IcStatus.VerifyFailed, address, value, echoed);
                    continue;
                }

                int stored;
                status = ReadVerified(address, out stored);
                if (status != IcStatus.Ok)
                {
                    continue;
                }

                if (stored != value)
                {
                    status = _fault.Set(IcStatus.VerifyFailed, address, value, stored);
                    continue;
                }

                if (attempt > 0)
                {
                    _recovered++;
                }

                return IcStatus.Ok;
            }

            return status;
        }

        /// <summary>Writes a register that cannot be read back (SoftReset), retrying only bus failures.</summary>
        private IcStatus WriteUnverified(int address, int value)
        {
            for (int attempt = 0; attempt < MaximumBusAttempts; attempt++)
            {
                if (WriteFrame(address, value) == BusStatus.Ok)
                {
                    return IcStatus.Ok;
                }
            }

            return _fault.Set(IcStatus.BusError, address, value, -1);
        }

        /// <summary>
        /// Reads a power register pair (high word, then the low word whose bits 15:8 extend it) as one signed
        /// 32-bit value. The high word is read again after the low word; if the chip updated the pair in
        /// between, the low word is read once more so the two halves belong together.
        /// </summary>
        private IcStatus ReadPowerPair(int highAddress, int lowAddress, out int value)
        {
            value = 0;
            int high;
            int low;
            int again;
            IcStatus status = ReadVerified(highAddress, out high);
            if (status == IcStatus.Ok)
            {
                status = ReadVerified(lowAddress, out low);
                if (status == IcStatus.Ok)
                {
                    status = ReadVerified(highAddress, out again);
                    if (status == IcStatus.Ok && again != high)
                    {
                        high = again;
                        status = ReadVerified(lowAddress, out low);
                    }

                    if (status == IcStatus.Ok)
                    {
                        value = (int)(((uint)high << 16) | (uint)low);
                    }
                }
            }

            return status;
        }
    }
}

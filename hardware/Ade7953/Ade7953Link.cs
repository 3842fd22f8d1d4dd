using AssetMeter.Hardware.Bus;
using AssetMeter.Hardware.Metering;
using AssetMeter.Metrology.Energy;

namespace AssetMeter.Hardware.Ade7953
{
    /// <summary>
    /// Register access to an ADE7953 over I2C with the chip's communication verification: raw transfers, and
    /// reads and writes confirmed through LAST_OP, LAST_ADD and LAST_RWDATA. Preallocated buffers: no allocation.
    /// </summary>
    internal sealed class Ade7953Link
    {
        /// <summary>Tries of a read or write whose echo disagrees before VerifyFailed.</summary>
        internal const int Attempts = 3;

        private const int Mask24 = 0xFFFFFF;
        private const int AccumulationModeConfigurationBits = 0x3FF;

        private readonly IBusDevice _bus;
        private readonly byte[] _tx = new byte[6];
        private readonly byte[] _rx = new byte[4];

        /// <summary>The last failure (a field, so that Fault.Set records in place).</summary>
        internal IcFault Fault;

        /// <summary>Transfers repeated because the chip's echo disagreed.</summary>
        internal int VerifyRetries;

        /// <summary>Transfers that failed on the bus.</summary>
        internal int BusErrors;

        internal Ade7953Link(IBusDevice bus)
        {
            _bus = bus;
            Fault.Register = -1;
        }

        // A register's value as the chip stores it: 24-bit registers in their 24 bits, and of ACCMODE only the
        // configuration bits [9:0] (bits 10 and up report the power sign and no-load state).
        internal static int Masked(int address, int value)
        {
            if (address == Ade7953Register.AccumulationMode)
            {
                return value & AccumulationModeConfigurationBits;
            }

            int width = Ade7953Register.WidthBytes(address);
            return width == 4 ? value & Mask24 : value & ((1 << (8 * width)) - 1);
        }

        // Writes, confirms the echo (LAST_OP, LAST_ADD, LAST_RWDATA) and reads the register back; three tries.
        internal IcStatus Write(int address, int value)
        {
            int width = Ade7953Register.WidthBytes(address);

            // On the 32-bit view the upper byte carries the sign extension of bit 23.
            int wire = width == 4 ? EnergyDeltaDecoder.SignExtend24(value) : Masked(address, value);
            int actual = -1;
            for (int attempt = 0; attempt < Attempts; attempt++)
            {
                if (WriteRaw(address, width, wire) != BusStatus.Ok)
                {
                    BusErrors++;
                    return Fault.Set(IcStatus.BusError, address, wire, -1);
                }

                IcStatus result = ConfirmWrite(address, width, wire, out actual);
                if (result == IcStatus.BusError)
                {
                    return result;
                }

                if (result == IcStatus.Ok)
                {
                    int back;
                    result = Read(address, out back);
                    if (result == IcStatus.BusError)
                    {
                        return result;
                    }

                    actual = back;
                    if (result == IcStatus.Ok && Masked(address, back) == Masked(address, value))
                    {
                        return IcStatus.Ok;
                    }
                }

                VerifyRetries++;
            }

            return Fault.Set(IcStatus.VerifyFailed, address, wire, actual);
        }

        // LAST_OP, LAST_ADD and LAST_RWDATA must show this write.
        internal IcStatus ConfirmWrite(int address, int width, int wire, out int echo)
        {
            int operation;
            int lastAddress;
            echo = -1;
            if (ReadRaw(Ade7953Register.LastOperation, 1, out operation) != BusStatus.Ok
                || ReadRaw(Ade7953Register.LastAddress, 2, out lastAddress) != BusStatus.Ok
                || ReadRaw(Ade7953Register.LastDataFor(width), width, out echo) != BusStatus.Ok)
            {
                BusErrors++;
                return Fault.Set(IcStatus.BusError, address, wire, -1);
            }

            return operation == Ade7953Bits.LastOperationWrite && lastAddress == address && echo == wire
                ? IcStatus.Ok
                : IcStatus.VerifyFailed;
        }

        // Reads and confirms through LAST_ADD and LAST_RWDATA (and, on a 32-bit view, the sign extension); three tries.
        internal IcStatus Read(int address, out int value)
        {
            int width = Ade7953Register.WidthBytes(address);
            int lastData = Ade7953Register.LastDataFor(width);
            int echo = -1;
            value = 0;
            for (int attempt = 0; attempt < Attempts; attempt++)
            {
                int lastAddress;
                if (ReadRaw(address, width, out value) != BusStatus.Ok
                    || ReadRaw(Ade7953Register.LastAddress, 2, out lastAddress) != BusStatus.Ok
                    || ReadRaw(lastData, width, out echo) != BusStatus.Ok)
                {
                    BusErrors++;
                    return Fault.Set(IcStatus.BusError, address, 0, -1);
                }

                bool signExtended = width != 4 || address == Ade7953Register.Checksum || EnergyDeltaDecoder.SignExtend24(value) == value;
                if (lastAddress == address && echo == value && signExtended)
                {
                    return IcStatus.Ok;
                }

                VerifyRetries++;
            }

            return Fault.Set(IcStatus.VerifyFailed, address, echo, value);
        }

        internal BusStatus ReadRaw(int address, int width, out int value)
        {
            _tx[0] = (byte)(address >> 8);
            _tx[1] = (byte)address;
            value = 0;
            BusStatus status = _bus.WriteRead(_tx, 0, 2, _rx, 0, width);
            if (status != BusStatus.Ok)
            {
                return status;
            }

            for (int i = 0; i < width; i++)
            {
                value = (value << 8) | _rx[i];
            }

            return BusStatus.Ok;
        }

        internal BusStatus WriteRaw(int address, int width, int value)
        {
            _tx[0] = (byte)(address >> 8);
            _tx[1] = (byte)address;
            for (int i = 0; i < width; i++)
            {
                _tx[2 + i] = (byte)(value >> (8 * (width - 1 - i)));
            }

            return _bus.Write(_tx, 0, 2 + width);
        }
    }
}

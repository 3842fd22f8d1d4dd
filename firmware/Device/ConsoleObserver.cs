using AssetMeter.Firmware.Commands;
using AssetMeter.Firmware.Events;
using AssetMeter.Firmware.Metering;
using AssetMeter.Firmware.Records;
using AssetMeter.Metrology.Periods;

namespace AssetMeter.Firmware.Device
{
    /// <summary>Writes every closed period and every logged event to the log, for commissioning and fault finding.</summary>
    internal sealed class ConsoleObserver : IMeterObserver
    {
        private readonly byte[] _buffer = new byte[160];
        private readonly AsciiWriter _writer;

        public ConsoleObserver()
        {
            _writer = new AsciiWriter(_buffer);
        }

        /// <inheritdoc />
        public void OnPeriodClosed(HalfHourPeriod period)
        {
            AsciiWriter w = _writer;
            w.Reset();
            w.Raw("Period ");
            UtcText.Write(w, period.StartTicks);
            w.Raw(": import ");
            w.WattHours(period.ImportMicrowattHours);
            w.Raw(" Wh, export ");
            w.WattHours(period.ExportMicrowattHours);
            w.Raw(" Wh, flags ");
            w.Integer((long)period.Flags);
            Log.Write(Text());
        }

        /// <inheritdoc />
        public void OnEvent(MeterEvent meterEvent)
        {
            AsciiWriter w = _writer;
            w.Reset();
            w.Raw("Event ");
            w.Integer(meterEvent.Sequence);
            w.Raw(" ");
            w.Raw(EventNames.Of(meterEvent.Code));
            w.Raw(" (");
            w.Integer(meterEvent.Value1);
            w.Raw(", ");
            w.Integer(meterEvent.Value2);
            w.Raw(")");
            Log.Write(Text());
        }

        private string Text()
        {
            char[] chars = new char[_writer.Length];
            for (int i = 0; i < chars.Length; i++)
            {
                chars[i] = (char)_buffer[i];
            }

            return new string(chars);
        }
    }
}

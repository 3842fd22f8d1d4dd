using AssetMeter.Metrology.Periods;

namespace AssetMeter.Tests.Metrology
{
    /// <summary>A period sink that keeps what it is given, for tests (fixed capacity: no generics on the device).</summary>
    public sealed class PeriodCollector : IPeriodSink
    {
        private readonly HalfHourPeriod[] _periods;

        public PeriodCollector(int capacity)
        {
            _periods = new HalfHourPeriod[capacity];
        }

        public int Count { get; private set; }

        public HalfHourPeriod this[int index]
        {
            get { return _periods[index]; }
        }

        public void OnPeriodClosed(HalfHourPeriod period)
        {
            _periods[Count] = period;
            Count++;
        }
    }
}

"""What a timeline page's chart shows, read from its context."""


def charted(response):
    """Every event the chart draws: the month bars and the bands of events known only by their year."""
    chart = response.context["chart"]
    return sum(bar.count for bar in chart["bars"]) + sum(span.count for span in chart["spans"])

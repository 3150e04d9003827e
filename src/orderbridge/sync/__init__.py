"""The workflows (download, deliver, ...) and the domain verbs that move an order along."""
